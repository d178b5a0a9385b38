// The unpickler's machine: opcodes, stack, memo, with every length and index bounds-checked.
// No recursion: nesting lives in the explicit stack and mark stack, both capped.
#include "io/pickle.h"
#include "io/pickle_globals.h"

#include "common/error.h"

#include <cstring>
#include <unordered_map>

namespace mergelab::pickle {

namespace {

// Opcodes (Python's Lib/pickle.py names).
enum Op : uint8_t {
    MARK = '(',
    STOP = '.',
    POP = '0',
    POP_MARK = '1',
    DUP = '2',
    BININT = 'J',
    BININT1 = 'K',
    BININT2 = 'M',
    NONE = 'N',
    BINPERSID = 'Q',
    REDUCE = 'R',
    BINSTRING = 'T',
    SHORT_BINSTRING = 'U',
    BINUNICODE = 'X',
    APPEND = 'a',
    BUILD = 'b',
    GLOBAL = 'c',
    DICT = 'd',
    EMPTY_DICT = '}',
    APPENDS = 'e',
    BINGET = 'h',
    LONG_BINGET = 'j',
    LIST = 'l',
    EMPTY_LIST = ']',
    BINPUT = 'q',
    LONG_BINPUT = 'r',
    SETITEM = 's',
    TUPLE = 't',
    EMPTY_TUPLE = ')',
    SETITEMS = 'u',
    BINFLOAT = 'G',
    PROTO = 0x80,
    NEWOBJ = 0x81,
    TUPLE1 = 0x85,
    TUPLE2 = 0x86,
    TUPLE3 = 0x87,
    NEWTRUE = 0x88,
    NEWFALSE = 0x89,
    LONG1 = 0x8a,
    LONG4 = 0x8b,
    BINBYTES = 'B',
    SHORT_BINBYTES = 'C',
    SHORT_BINUNICODE = 0x8c,
    BINUNICODE8 = 0x8d,
    BINBYTES8 = 0x8e,
    EMPTY_SET = 0x8f,
    ADDITEMS = 0x90,
    FROZENSET = 0x91,
    NEWOBJ_EX = 0x92,
    STACK_GLOBAL = 0x93,
    MEMOIZE = 0x94,
    FRAME = 0x95,
};

class Machine {
public:
    Machine(const uint8_t* data, std::size_t size, const Options& options)
        : m_data(data), m_size(size), m_options(options)
    {}

    Document run();

private:
    // Executes one opcode; true on STOP.
    bool step(uint8_t op);
    [[noreturn]] void fail(const std::string& what) const
    {
        throw FormatError(m_options.file, {},
                          what + " in " + m_options.source + " at byte " + std::to_string(m_opStart));
    }

    const uint8_t* take(std::size_t n)
    {
        if (n > m_size - m_pos)
            fail("unexpected end of pickle (needs " + std::to_string(n) + " more bytes, " +
                 std::to_string(m_size - m_pos) + " left)");
        const uint8_t* p = m_data + m_pos;
        m_pos += n;
        return p;
    }
    uint64_t readLE(std::size_t n)
    {
        const uint8_t* p = take(n);
        uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i)
            v |= uint64_t(p[i]) << (8 * i);
        return v;
    }
    std::string readString(uint64_t n)
    {
        if (n > m_size - m_pos)
            fail("string of " + std::to_string(n) + " bytes runs past the end of the pickle");
        const uint8_t* p = take(static_cast<std::size_t>(n));
        return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    }
    std::string readLine()
    {
        const void* nl = std::memchr(m_data + m_pos, '\n', m_size - m_pos);
        if (!nl)
            fail("unterminated GLOBAL name");
        const std::size_t n = static_cast<const uint8_t*>(nl) - (m_data + m_pos);
        if (n > 1024)
            fail("GLOBAL name longer than 1024 bytes");
        std::string s = readString(n);
        take(1);
        return s;
    }

    uint32_t add(Node node)
    {
        if (m_doc.nodes.size() >= m_options.maxNodes)
            fail("pickle builds more than " + std::to_string(m_options.maxNodes) + " values");
        return addNode(m_doc, std::move(node));
    }
    uint32_t addInt(int64_t v, Kind kind = Kind::Int)
    {
        Node n;
        n.kind = kind;
        n.i = v;
        return add(std::move(n));
    }
    uint32_t addString(std::string s, Kind kind)
    {
        Node n;
        n.kind = kind;
        n.s = std::move(s);
        return add(std::move(n));
    }
    uint32_t addContainer(Kind kind, std::vector<uint32_t> items = {})
    {
        Node n;
        n.kind = kind;
        n.items = std::move(items);
        return add(std::move(n));
    }

    // The current frame: stack entries above the innermost MARK.
    std::size_t frameStart() const { return m_marks.empty() ? 0 : m_marks.back(); }
    void push(uint32_t v)
    {
        if (m_stack.size() >= m_options.maxStack)
            fail("pickle stack deeper than " + std::to_string(m_options.maxStack));
        m_stack.push_back(v);
    }
    uint32_t pop()
    {
        if (m_stack.size() <= frameStart())
            fail("pickle stack underflow");
        const uint32_t v = m_stack.back();
        m_stack.pop_back();
        return v;
    }
    uint32_t top()
    {
        if (m_stack.size() <= frameStart())
            fail("pickle stack underflow");
        return m_stack.back();
    }
    // Pops everything above the innermost MARK, and the mark.
    std::vector<uint32_t> popMark()
    {
        if (m_marks.empty())
            fail("MARK expected but none is open");
        const std::size_t start = m_marks.back();
        m_marks.pop_back();
        std::vector<uint32_t> items(m_stack.begin() + static_cast<std::ptrdiff_t>(start), m_stack.end());
        m_stack.resize(start);
        return items;
    }
    Node& mutableNode(uint32_t index) { return m_doc.nodes[index]; }

    void memoPut(uint64_t index)
    {
        if (m_memo.size() >= m_options.maxMemo && !m_memo.count(index))
            fail("pickle memo larger than " + std::to_string(m_options.maxMemo));
        m_memo[index] = top();
    }
    void memoGet(uint64_t index)
    {
        auto it = m_memo.find(index);
        if (it == m_memo.end())
            fail("memo entry " + std::to_string(index) + " used before it was stored");
        push(it->second);
    }

    void setItems(uint32_t dict, const std::vector<uint32_t>& kv)
    {
        if (m_doc.nodes[dict].kind != Kind::Dict)
            fail("SETITEM on a value that is not a dict");
        if (kv.size() % 2)
            fail("SETITEMS with an odd number of values");
        auto& items = mutableNode(dict).items;
        items.insert(items.end(), kv.begin(), kv.end());
    }
    void appendItems(uint32_t list, const std::vector<uint32_t>& values)
    {
        if (m_doc.nodes[list].kind != Kind::List)
            fail("APPEND on a value that is not a list");
        auto& items = mutableNode(list).items;
        items.insert(items.end(), values.begin(), values.end());
    }
    void pushGlobal(const std::string& module, const std::string& name)
    {
        if (!isAllowedGlobal(module, name, m_options.torchScript)) {
            // torch.save(model) pickles the module's classes; say what to do instead.
            const bool model = module == "__main__" || module.compare(0, 9, "torch.nn.") == 0;
            fail("forbidden global '" + module + "." + name + "'" +
                 (model ? " (a pickled model object, not a state dict: save model.state_dict() instead)" : ""));
        }
        push(addString(module + "." + name, Kind::Global));
    }

    const uint8_t* m_data;
    std::size_t m_size;
    const Options& m_options;
    std::size_t m_pos = 0;
    std::size_t m_opStart = 0;
    Document m_doc;
    std::vector<uint32_t> m_stack;
    std::vector<std::size_t> m_marks;
    std::unordered_map<uint64_t, uint32_t> m_memo;
};

Document Machine::run()
{
    for (;;) {
        m_opStart = m_pos;
        const uint8_t op = *take(1);
        try {
            if (step(op))
                return std::move(m_doc);
        } catch (const Rejection& r) {
            fail(r.what);
        }
        if (m_doc.nodes.size() > m_options.maxNodes)
            fail("pickle builds too many values");
    }
}

bool Machine::step(uint8_t op)
{
    {
        switch (op) {
        case PROTO: {
            const uint8_t version = *take(1);
            if (version > 5)
                fail("unsupported pickle protocol " + std::to_string(version));
            break;
        }
        case FRAME:
            take(8);
            break; // framing only groups opcodes; nothing to do
        case STOP:
            m_doc.root = pop();
            m_doc.end = m_pos;
            return true;
        case MARK:
            if (m_marks.size() >= m_options.maxMarks)
                fail("MARKs nested deeper than " + std::to_string(m_options.maxMarks));
            m_marks.push_back(m_stack.size());
            break;
        case POP:
            pop();
            break;
        case POP_MARK:
            popMark();
            break;
        case DUP:
            push(top());
            break;

        case BININT:
            push(addInt(static_cast<int32_t>(readLE(4))));
            break;
        case BININT1:
            push(addInt(static_cast<int64_t>(readLE(1))));
            break;
        case BININT2:
            push(addInt(static_cast<int64_t>(readLE(2))));
            break;
        case LONG1:
        case LONG4: {
            const uint64_t n = op == LONG1 ? readLE(1) : readLE(4);
            if (n > 8)
                fail("integer of " + std::to_string(n) + " bytes does not fit in 64 bits");
            const uint64_t raw = n ? readLE(static_cast<std::size_t>(n)) : 0;
            // Two's complement of n bytes, sign-extended.
            int64_t v = static_cast<int64_t>(raw);
            if (n > 0 && n < 8 && (raw >> (8 * n - 1)) & 1u)
                v = static_cast<int64_t>(raw | (~uint64_t(0) << (8 * n)));
            push(addInt(v));
            break;
        }
        case BINFLOAT: {
            const uint8_t* p = take(8);
            uint64_t bits = 0;
            for (int i = 0; i < 8; ++i)
                bits = (bits << 8) | p[i]; // big-endian
            Node n;
            n.kind = Kind::Float;
            std::memcpy(&n.f, &bits, sizeof bits);
            push(add(std::move(n)));
            break;
        }
        case NONE:
            push(addContainer(Kind::None));
            break;
        case NEWTRUE:
            push(addInt(1, Kind::Bool));
            break;
        case NEWFALSE:
            push(addInt(0, Kind::Bool));
            break;

        case SHORT_BINUNICODE:
            push(addString(readString(readLE(1)), Kind::Str));
            break;
        case BINUNICODE:
            push(addString(readString(readLE(4)), Kind::Str));
            break;
        case BINUNICODE8:
            push(addString(readString(readLE(8)), Kind::Str));
            break;
        case SHORT_BINSTRING:
            push(addString(readString(readLE(1)), Kind::Str));
            break;
        case BINSTRING: {
            const int32_t n = static_cast<int32_t>(readLE(4));
            if (n < 0)
                fail("negative BINSTRING length");
            push(addString(readString(static_cast<uint64_t>(n)), Kind::Str));
            break;
        }
        case SHORT_BINBYTES:
            push(addString(readString(readLE(1)), Kind::Bytes));
            break;
        case BINBYTES:
            push(addString(readString(readLE(4)), Kind::Bytes));
            break;
        case BINBYTES8:
            push(addString(readString(readLE(8)), Kind::Bytes));
            break;

        case EMPTY_TUPLE:
            push(addContainer(Kind::Tuple));
            break;
        case TUPLE1:
        case TUPLE2:
        case TUPLE3: {
            const std::size_t n = op - TUPLE1 + 1;
            std::vector<uint32_t> items(n);
            for (std::size_t i = n; i-- > 0;)
                items[i] = pop();
            push(addContainer(Kind::Tuple, std::move(items)));
            break;
        }
        case TUPLE:
            push(addContainer(Kind::Tuple, popMark()));
            break;
        case FROZENSET:
            push(addContainer(Kind::Tuple, popMark()));
            break;
        case EMPTY_LIST:
            push(addContainer(Kind::List));
            break;
        case EMPTY_SET:
            push(addContainer(Kind::List));
            break; // sets are read as lists
        case LIST:
            push(addContainer(Kind::List, popMark()));
            break;
        case EMPTY_DICT:
            push(addContainer(Kind::Dict));
            break;
        case DICT: {
            std::vector<uint32_t> kv = popMark();
            const uint32_t dict = addContainer(Kind::Dict);
            setItems(dict, kv);
            push(dict);
            break;
        }
        case SETITEM: {
            const uint32_t value = pop();
            const uint32_t key = pop();
            setItems(top(), {key, value});
            break;
        }
        case SETITEMS: {
            std::vector<uint32_t> kv = popMark();
            setItems(top(), kv);
            break;
        }
        case APPEND: {
            const uint32_t value = pop();
            appendItems(top(), {value});
            break;
        }
        case APPENDS:
        case ADDITEMS: {
            std::vector<uint32_t> values = popMark();
            appendItems(top(), values);
            break;
        }

        case BINPUT:
            memoPut(readLE(1));
            break;
        case LONG_BINPUT:
            memoPut(readLE(4));
            break;
        case MEMOIZE:
            memoPut(m_memo.size());
            break;
        case BINGET:
            memoGet(readLE(1));
            break;
        case LONG_BINGET:
            memoGet(readLE(4));
            break;

        case GLOBAL: {
            std::string module = readLine();
            std::string name = readLine();
            pushGlobal(module, name);
            break;
        }
        case STACK_GLOBAL: {
            const uint32_t name = pop();
            const uint32_t module = pop();
            if (m_doc.nodes[name].kind != Kind::Str || m_doc.nodes[module].kind != Kind::Str)
                fail("STACK_GLOBAL needs two strings");
            pushGlobal(m_doc.nodes[module].s, m_doc.nodes[name].s);
            break;
        }
        case REDUCE: {
            const uint32_t args = pop();
            const uint32_t callable = pop();
            push(callGlobal(m_doc, callable, args));
            break;
        }
        case NEWOBJ: {
            const uint32_t args = pop();
            const uint32_t cls = pop();
            push(newObject(m_doc, cls, args));
            break;
        }
        case NEWOBJ_EX: {
            pop(); // kwargs: the inert objects we build take none
            const uint32_t args = pop();
            const uint32_t cls = pop();
            push(newObject(m_doc, cls, args));
            break;
        }
        case BUILD: {
            const uint32_t state = pop();
            buildObject(m_doc, top(), state);
            break;
        }
        case BINPERSID:
            push(persistentLoad(m_doc, pop(), m_options.legacy));
            break;

        default: {
            static const char* hex = "0123456789abcdef";
            std::string code = "0x";
            code += hex[op >> 4];
            code += hex[op & 15];
            fail("unsupported pickle opcode " + code);
        }
        }
    }
    return false;
}

} // namespace

uint32_t addNode(Document& doc, Node node)
{
    doc.nodes.push_back(std::move(node));
    return static_cast<uint32_t>(doc.nodes.size() - 1);
}

Document unpickle(const uint8_t* data, std::size_t size, const Options& options)
{
    if (size == 0)
        throw FormatError(options.file, {}, options.source + " is empty");
    return Machine(data, size, options).run();
}

} // namespace mergelab::pickle
