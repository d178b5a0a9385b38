// Translations: every message of translations/*.ts is translated (read here with QXmlStreamReader,
// independently of the tools that fill them), placeholders and mnemonics survive translation, the
// embedded .qm files load, and the main pages lay out at 1280x800 without clipped labels or
// buttons, in English and in Japanese.
#include "gui/gui_job_runner.h"
#include "gui/main_window.h"
#include "gui/translations.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabBar>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

using mergelab::gui::MainWindow;

namespace {

const QString kTranslationsDir = QStringLiteral(MERGELAB_SOURCE_DIR "/translations");
const QString kProject = QStringLiteral(MERGELAB_FIXTURES_DIR "/analysis/analysis.mergelab.json");

struct Message {
    QString context, source;
    QStringList translations; // one per numerus form
    QString type;             // "", "unfinished", "vanished", "obsolete"
};

QList<Message> readTs(const QString& path, QString* error)
{
    QList<Message> out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = path + QStringLiteral(": cannot open");
        return out;
    }
    QXmlStreamReader xml(&file);
    QString context;
    Message current;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const auto name = xml.name();
        if (name == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            current = Message{context, {}, {}, {}};
        } else if (name == QLatin1String("source")) {
            current.source = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            current.type = xml.attributes().value(QLatin1String("type")).toString();
            // Either text or <numerusform> children.
            QString text;
            while (!(xml.isEndElement() && xml.name() == QLatin1String("translation")) && !xml.atEnd()) {
                xml.readNext();
                if (xml.isCharacters())
                    text += xml.text();
                else if (xml.isStartElement() && xml.name() == QLatin1String("numerusform"))
                    current.translations << xml.readElementText();
            }
            if (current.translations.isEmpty())
                current.translations << text;
            out << current;
        }
    }
    if (xml.hasError())
        *error = path + QStringLiteral(": ") + xml.errorString();
    return out;
}

// %1..%99 and %n used by a string, as a set.
QSet<QString> placeholders(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("%(\\d+|n)"));
    QSet<QString> out;
    for (auto it = re.globalMatch(text); it.hasNext();)
        out << it.next().captured(0);
    return out;
}

// Mnemonic characters: "&x" but not "&&".
int mnemonics(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("(?<!&)&(?!&)\\S"));
    return static_cast<int>(text.count(re));
}

void removeTranslators()
{
    for (QTranslator* t : qApp->findChildren<QTranslator*>()) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
    QLocale::setDefault(QLocale::c());
}

// Widgets whose text does not fit their geometry after layout.
QStringList clippedWidgets(QWidget* root, const QString& page)
{
    QStringList out;
    auto describe = [&](QWidget* w, const QString& text, QSize need) {
        out << QStringLiteral("%1: %2 \"%3\" needs %4x%5, has %6x%7")
                   .arg(page, QString::fromLatin1(w->metaObject()->className()), text.left(60))
                   .arg(need.width())
                   .arg(need.height())
                   .arg(w->width())
                   .arg(w->height());
    };
    for (QLabel* label : root->findChildren<QLabel*>()) {
        if (!label->isVisibleTo(root) || label->text().isEmpty() || label->width() == 0)
            continue;
        // Labels inside item views or line edits are drawn by their owner; skip non-text labels.
        if (label->wordWrap()) {
            const int need = label->heightForWidth(label->width());
            if (need > label->height() + 1)
                describe(label, label->text(), QSize(label->width(), need));
        } else {
            const QSize hint = label->minimumSizeHint();
            if (hint.width() > label->width() + 1 || hint.height() > label->height() + 1)
                describe(label, label->text(), hint);
        }
    }
    for (QAbstractButton* button : root->findChildren<QAbstractButton*>()) {
        if (!button->isVisibleTo(root) || button->text().isEmpty() || button->width() == 0)
            continue;
        if (qobject_cast<QTabBar*>(button->parentWidget()))
            continue; // tab bar scroll arrows
        const QSize hint = button->minimumSizeHint().expandedTo(QSize(0, 0));
        const QSize text = button->fontMetrics().size(Qt::TextShowMnemonic, button->text());
        if (text.width() > button->width() || hint.height() > button->height() + 1)
            describe(button, button->text(), QSize(text.width(), hint.height()));
    }
    return out;
}

} // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("MergeLabTests"));
        QApplication::setApplicationName(QStringLiteral("tst_translations"));
        qunsetenv("MERGELAB_LANG");
    }

    void everyMessageTranslated_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("en") << QStringLiteral("mergelab_en.ts");
        QTest::newRow("ja") << QStringLiteral("mergelab_ja.ts");
    }

    void everyMessageTranslated()
    {
        QFETCH(QString, file);
        QString error;
        const QList<Message> messages = readTs(kTranslationsDir + QLatin1Char('/') + file, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(messages.size() > 50);
        QStringList bad;
        for (const Message& m : messages) {
            const QString where = m.context + QStringLiteral(": \"") + m.source + QLatin1Char('"');
            if (!m.type.isEmpty())
                bad << where + QStringLiteral(" is ") + m.type;
            for (const QString& t : m.translations) {
                if (t.trimmed().isEmpty() && !m.source.trimmed().isEmpty())
                    bad << where + QStringLiteral(" has an empty translation");
                else if (placeholders(t) != placeholders(m.source))
                    bad << where + QStringLiteral(" changes placeholders: \"") + t + QLatin1Char('"');
                else if (mnemonics(t) != mnemonics(m.source))
                    bad << where + QStringLiteral(" changes mnemonics: \"") + t + QLatin1Char('"');
            }
        }
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
    }

    // Both files hold the same messages: lupdate was run on both.
    void filesInStep()
    {
        QString error;
        QSet<QString> en, ja;
        for (const Message& m : readTs(kTranslationsDir + QStringLiteral("/mergelab_en.ts"), &error))
            en << m.context + QLatin1Char('|') + m.source;
        for (const Message& m : readTs(kTranslationsDir + QStringLiteral("/mergelab_ja.ts"), &error))
            ja << m.context + QLatin1Char('|') + m.source;
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(QSet<QString>(en).subtract(ja), QSet<QString>());
        QCOMPARE(QSet<QString>(ja).subtract(en), QSet<QString>());
    }

    void embeddedTranslationsLoad()
    {
        removeTranslators();
        QCOMPARE(mergelab::gui::installTranslations(*qApp, QStringLiteral("ja")), QStringLiteral("ja"));
        QCOMPARE(QCoreApplication::translate("mergelab::gui::MainWindow", "&File"), QStringLiteral("ファイル(&F)"));
        QCOMPARE(QCoreApplication::translate("mergelab::gui::MainWindow", "Understand"), QStringLiteral("分析"));
        removeTranslators();
        QCOMPARE(mergelab::gui::installTranslations(*qApp, QStringLiteral("en")), QStringLiteral("en"));
        QCOMPARE(QCoreApplication::translate("mergelab::gui::MainWindow", "&File"), QStringLiteral("&File"));
        removeTranslators();
    }

    void pagesFitAt1280x800_data()
    {
        QTest::addColumn<QString>("language");
        QTest::newRow("en") << QStringLiteral("en");
        QTest::newRow("ja") << QStringLiteral("ja");
    }

    void pagesFitAt1280x800()
    {
        QFETCH(QString, language);
        removeTranslators();
        mergelab::gui::installTranslations(*qApp, language);
        {
            MainWindow window;
            window.resize(1280, 800);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QSignalSpy opened(&window, &MainWindow::projectOpened);
            window.openPath(kProject);
            QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
            QTRY_COMPARE_WITH_TIMEOUT(window.jobs()->runningCount(), 0, 60000);
            QStringList clipped;
            for (const QString& page : window.pageNames()) {
                QVERIFY(window.showPage(page));
                QTest::qWait(50); // let the page lay out
                clipped << clippedWidgets(&window, page);
            }
            // The page tabs fit without scroll arrows.
            const QTabBar* tabs = window.findChild<QTabBar*>();
            QVERIFY(tabs);
            QVERIFY2(tabs->sizeHint().width() <= window.width(), qPrintable(QString::number(tabs->sizeHint().width())));
            clipped.removeDuplicates();
            QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(QLatin1Char('\n'))));
            window.jobs()->cancelAll();
        }
        removeTranslators();
    }
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
