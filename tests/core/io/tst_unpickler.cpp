// The unpickler on hand-written opcode streams (values worked out by hand from the pickle spec).
#include "common/error.h"
#include "io/pickle.h"

#include <QtTest>

using namespace mergelab;
using namespace mergelab::pickle;

namespace {

Document parse(const QByteArray& bytes, bool torchScript = false)
{
    Options o;
    o.file = "f.pt";
    o.source = "data.pkl";
    o.torchScript = torchScript;
    return unpickle(reinterpret_cast<const uint8_t*>(bytes.constData()), std::size_t(bytes.size()), o);
}

QString errorOf(const QByteArray& bytes, bool torchScript = false)
{
    try {
        Document doc = parse(bytes, torchScript);
        Options o;
        o.file = "f.pt";
        o.source = "data.pkl";
        if (torchScript)
            moduleTensors(doc, o);
        else
            stateDictTensors(doc, o);
    } catch (const FormatError& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

// Opcode builders, so the streams below read like pickletools output.
template <std::size_t N>
QByteArray raw(const char (&s)[N])
{
    return QByteArray(s, int(N - 1));
}
QByteArray ustr(const QByteArray& s) // BINUNICODE
{
    QByteArray b("X");
    const uint32_t n = uint32_t(s.size());
    for (int i = 0; i < 4; ++i)
        b += char((n >> (8 * i)) & 0xff);
    return b + s;
}
QByteArray int1(int v)
{
    return QByteArray("K") + char(v);
} // BININT1
QByteArray global(const char* module, const char* name)
{
    return QByteArray("c") + module + "\n" + name + "\n";
}
QByteArray put(int i)
{
    return QByteArray("q") + char(i);
} // BINPUT
QByteArray get(int i)
{
    return QByteArray("h") + char(i);
} // BINGET

// A tensor of `n` floats in storage `key`, as torch.save writes it (protocol 2, no memo):
// _rebuild_tensor_v2(persistent_load(('storage', FloatStorage, key, 'cpu', n)), 0, (n,), (1,), False, ())
QByteArray tensorPickle(const char* key, int n)
{
    return global("torch._utils", "_rebuild_tensor_v2") + "((" + ustr("storage") + global("torch", "FloatStorage") +
           ustr(key) + ustr("cpu") + int1(n) + "tQ" + int1(0) + int1(n) + "\x85" + int1(1) + "\x85" + "\x89)tR";
}

} // namespace

class TestUnpickler : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void scalars_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("kind");
        QTest::addColumn<qlonglong>("intValue");
        QTest::addColumn<double>("floatValue");
        QTest::addColumn<QString>("text");
        QTest::newRow("BININT1") << raw("\x80\x02K\xff.") << int(Kind::Int) << 255LL << 0.0 << "";
        QTest::newRow("BININT2") << raw("\x80\x02M\x01\x02.") << int(Kind::Int) << 513LL << 0.0 << "";
        QTest::newRow("BININT negative") << raw("J\xfe\xff\xff\xff.") << int(Kind::Int) << -2LL << 0.0 << "";
        QTest::newRow("LONG1 -1") << raw("\x8a\x01\xff.") << int(Kind::Int) << -1LL << 0.0 << "";
        QTest::newRow("LONG1 2^40") << raw("\x8a\x06\x00\x00\x00\x00\x00\x01.") << int(Kind::Int) << (1LL << 40) << 0.0
                                    << "";
        QTest::newRow("LONG1 0") << raw("\x8a\x00.") << int(Kind::Int) << 0LL << 0.0 << "";
        QTest::newRow("BINFLOAT 1.5") << raw("G\x3f\xf8\x00\x00\x00\x00\x00\x00.") << int(Kind::Float) << 0LL << 1.5
                                      << "";
        QTest::newRow("NEWTRUE") << raw("\x88.") << int(Kind::Bool) << 1LL << 0.0 << "";
        QTest::newRow("NONE") << raw("N.") << int(Kind::None) << 0LL << 0.0 << "";
        QTest::newRow("SHORT_BINUNICODE") << raw("\x8c\x02hi.") << int(Kind::Str) << 0LL << 0.0 << "hi";
        QTest::newRow("BINUNICODE utf8") << raw("X\x02\x00\x00\x00\xc3\xa9.") << int(Kind::Str) << 0LL << 0.0
                                         << QString::fromUtf8("\xc3\xa9");
        QTest::newRow("BINUNICODE8") << raw("\x8d\x01\x00\x00\x00\x00\x00\x00\x00z.") << int(Kind::Str) << 0LL << 0.0
                                     << "z";
        QTest::newRow("SHORT_BINSTRING") << raw("U\x03"
                                                "abc.")
                                         << int(Kind::Str) << 0LL << 0.0 << "abc";
        QTest::newRow("memo") << raw("K\x07q\x03"
                                     "0h\x03.")
                              << int(Kind::Int) << 7LL << 0.0 << "";
        QTest::newRow("MEMOIZE/FRAME") << raw("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x09\x94"
                                              "0h\x00.")
                                       << int(Kind::Int) << 9LL << 0.0 << "";
    }
    void scalars()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, kind);
        QFETCH(qlonglong, intValue);
        QFETCH(double, floatValue);
        QFETCH(QString, text);
        const Document doc = parse(bytes);
        const Node& root = doc.node(doc.root);
        QCOMPARE(int(root.kind), kind);
        QCOMPARE(qlonglong(root.i), intValue);
        QCOMPARE(root.f, floatValue);
        QCOMPARE(QString::fromStdString(root.s), text);
    }

    void containers()
    {
        // {'a': [1, 2], 'b': (3,)} with protocol-2 opcodes.
        const Document doc = parse(raw("\x80\x02}(X\x01\x00\x00\x00"
                                       "a](K\x01K\x02"
                                       "eX\x01\x00\x00\x00"
                                       "bK\x03\x85u."));
        const Node& root = doc.node(doc.root);
        QCOMPARE(int(root.kind), int(Kind::Dict));
        QCOMPARE(int(root.items.size()), 4);
        QCOMPARE(QString::fromStdString(doc.node(root.items[0]).s), QString("a"));
        const Node& list = doc.node(root.items[1]);
        QCOMPARE(int(list.kind), int(Kind::List));
        QCOMPARE(int(list.items.size()), 2);
        QCOMPARE(doc.node(list.items[1]).i, int64_t(2));
        QCOMPARE(int(doc.node(root.items[3]).kind), int(Kind::Tuple));
    }

    void stateDictFromTensors()
    {
        // OrderedDict() then SETITEMS {'w': tensor(storage '0', 3 floats), 'step': 5}.
        const QByteArray b = raw("\x80\x02") + global("collections", "OrderedDict") + ")R(" + ustr("w") +
                             tensorPickle("0", 3) + ustr("step") + int1(5) + "u.";
        const Document doc = parse(b);
        Options o;
        const auto tensors = stateDictTensors(doc, o);
        QCOMPARE(int(tensors.size()), 1);
        QCOMPARE(QString::fromStdString(tensors[0].name), QString("w"));
        const TensorRef& t = doc.tensors[tensors[0].tensor];
        QCOMPARE(t.sizes, std::vector<int64_t>{3});
        QCOMPARE(t.strides, std::vector<int64_t>{1});
        QCOMPARE(QString::fromStdString(doc.storages[t.storage].key), QString("0"));
        QCOMPARE(doc.storages[t.storage].numel, int64_t(3));
        QCOMPARE(int(doc.storages[t.storage].dtype), int(DType::F32));
    }

    void nestedDictsFlattenWithDots()
    {
        // {'enc': {'layers': [tensor]}} -> "enc.layers.0"
        const QByteArray b =
            raw("\x80\x02}") + ustr("enc") + "}" + ustr("layers") + "]" + tensorPickle("1", 2) + "ass.";
        const Document doc = parse(b);
        Options o;
        const auto tensors = stateDictTensors(doc, o);
        QCOMPARE(int(tensors.size()), 1);
        QCOMPARE(QString::fromStdString(tensors[0].name), QString("enc.layers.0"));
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("torchScript");
        QTest::addColumn<QString>("message");
        QTest::newRow("os.system") << raw("\x80\x02"
                                          "cos\nsystem\nX\x02\x00\x00\x00ls\x85R.")
                                   << false << "f.pt: forbidden global 'os.system' in data.pkl at byte 2";
        QTest::newRow("builtins.eval via STACK_GLOBAL") << raw("\x80\x04\x8c\x08"
                                                               "builtins\x8c\x04"
                                                               "eval\x93.")
                                                        << false << "forbidden global 'builtins.eval'";
        QTest::newRow("__torch__ outside TorchScript")
            << raw("c__torch__\nNet\n).") << false << "forbidden global '__torch__.Net'";
        QTest::newRow("pickled model") << raw("\x80\x02"
                                              "ctorch.nn.modules.linear\nLinear\n).")
                                       << false
                                       << "forbidden global 'torch.nn.modules.linear.Linear' (a pickled model object, "
                                          "not a state dict: save model.state_dict() instead) in data.pkl at byte 2";
        QTest::newRow("call a storage type")
            << raw("ctorch\nFloatStorage\n)R.") << false << "cannot call 'torch.FloatStorage'";
        QTest::newRow("empty") << QByteArray() << false << "data.pkl is empty";
        QTest::newRow("no STOP") << raw("K\x01") << false << "unexpected end of pickle";
        QTest::newRow("underflow") << raw("0.") << false << "stack underflow";
        QTest::newRow("STOP on empty") << raw(".") << false << "stack underflow";
        QTest::newRow("memo miss") << raw("h\x05.") << false << "memo entry 5 used before it was stored";
        QTest::newRow("string past end") << raw("X\xff\xff\xff\x7f"
                                                "abc.")
                                         << false << "string of 2147483647 bytes runs past the end";
        QTest::newRow("huge BINUNICODE8")
            << raw("\x8d\xff\xff\xff\xff\xff\xff\xff\xff.") << false << "runs past the end of the pickle";
        QTest::newRow("LONG4 too big") << raw("\x8b\x00\x01\x00\x00.") << false << "does not fit in 64 bits";
        QTest::newRow("no mark") << raw("t.") << false << "MARK expected but none is open";
        QTest::newRow("bad opcode") << raw("\xff.") << false << "unsupported pickle opcode 0xff";
        QTest::newRow("protocol 0 text") << raw("I1\n.") << false << "unsupported pickle opcode 0x49";
        QTest::newRow("protocol 9") << raw("\x80\x09N.") << false << "unsupported pickle protocol 9";
        QTest::newRow("SETITEM on list") << raw("]K\x01K\x02s.") << false << "SETITEM on a value that is not a dict";
        QTest::newRow("persid not storage")
            << raw("X\x01\x00\x00\x00xQ.") << false << "persistent id is not a ('storage', ...) tuple";
        QTest::newRow("top level list") << raw("]K\x01"
                                               "a.")
                                        << false << "holds no state dict";
        QTest::newRow("dict without tensors") << raw("}X\x01\x00\x00\x00"
                                                     "aK\x01s.")
                                              << false << "holds no tensors";
        // A list that contains itself: the walk stops at the depth cap instead of recursing forever.
        QTest::newRow("cycle") << raw("}X\x01\x00\x00\x00"
                                      "a]q\x00h\x00"
                                      "as.")
                               << false << "nested deeper than 64 levels";
        QTest::newRow("module root missing") << raw("}.") << true << "does not hold a scripted module";
    }
    void rejects()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, torchScript);
        QFETCH(QString, message);
        const QString error = errorOf(bytes, torchScript);
        QVERIFY2(error.contains(message), qPrintable("got: " + error));
    }

    void markNestingIsCapped()
    {
        const QByteArray deep(100000, '(');
        QVERIFY(errorOf(deep).contains("MARKs nested deeper than 4096"));
    }

    void stackDepthIsCapped()
    {
        QByteArray many;
        for (int i = 0; i < (1 << 20) + 1; ++i)
            many += "N";
        QVERIFY(errorOf(many).contains("pickle stack deeper than"));
    }

    // Sharing blows up a naive walk: each dict holds the previous one twice, 40 levels deep.
    void sharedGraphWalkIsBounded()
    {
        QByteArray b = "}" + put(0);
        for (int level = 1; level <= 40; ++level)
            b += "}(" + ustr("a") + get(level - 1) + ustr("b") + get(level - 1) + "u" + put(level);
        b += ".";
        QVERIFY(errorOf(b).contains("shares values too often"));
    }

    void torchScriptModule()
    {
        // __torch__.Net() with state {'training': True, 'w': tensor, 'sub': __torch__.Sub() {'b': tensor}}
        const QByteArray b = raw("\x80\x02") + global("__torch__", "Net") + ")\x81}(" + ustr("training") + "\x88" +
                             ustr("w") + tensorPickle("0", 2) + ustr("sub") + global("__torch__", "Sub") + ")\x81}(" +
                             ustr("b") + tensorPickle("1", 1) + "ubub.";
        const Document doc = parse(b, true);
        Options o;
        const auto tensors = moduleTensors(doc, o);
        QCOMPARE(int(tensors.size()), 2);
        QCOMPARE(QString::fromStdString(tensors[0].name), QString("w"));
        QCOMPARE(QString::fromStdString(tensors[1].name), QString("sub.b"));
        QCOMPARE(QString::fromStdString(doc.storages[doc.tensors[tensors[1].tensor].storage].key), QString("1"));
    }
};

QTEST_GUILESS_MAIN(TestUnpickler)
#include "tst_unpickler.moc"
