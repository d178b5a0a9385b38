#!/usr/bin/python3
"""Small helper for the Qt Linguist .ts files (keeps lupdate's formatting, edits in place).

  ts_tool.py unfinished FILE.ts          print untranslated messages as a JSON object {source: ""}
  ts_tool.py apply FILE.ts MAP.json      fill translations from MAP ({source: translation}, or
                                         {"Context|source": translation} for one context only)
  ts_tool.py identity FILE.ts            translate every message to its source (the English file)
  ts_tool.py check FILE.ts...            exit 1 and list messages that are unfinished or empty
"""
import html
import json
import re
import sys

MESSAGE = re.compile(r"(<message(?: [^>]*)?>)(.*?)(</message>)", re.S)
CONTEXT = re.compile(r"<context>\s*<name>(.*?)</name>(.*?)</context>", re.S)
SOURCE = re.compile(r"<source>(.*?)</source>", re.S)
TRANSLATION = re.compile(r"<translation(?: [^>]*)?>(.*?)</translation>|<translation(?: [^>]*)?/>", re.S)


def unescape(text):
    return html.unescape(text)


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&apos;")


def messages(ts):
    """Yields (context, source, translation-or-None, numerus, span of the message body) in file order."""
    for ctx in CONTEXT.finditer(ts):
        name = unescape(ctx.group(1))
        base = ctx.start(2)
        for msg in MESSAGE.finditer(ctx.group(2)):
            body = msg.group(2)
            source = unescape(SOURCE.search(body).group(1))
            tr = TRANSLATION.search(body)
            unfinished = tr is None or 'type="unfinished"' in tr.group(0) or 'type="vanished"' in tr.group(0)
            text = tr.group(1) if tr and tr.group(1) is not None else ""
            numerus = 'numerus="yes"' in msg.group(1)
            if numerus:
                forms = re.findall(r"<numerusform>(.*?)</numerusform>", text, re.S)
                text = unescape(forms[0]) if forms and all(forms) else ""
            else:
                text = unescape(text)
            yield name, source, None if unfinished or not text else text, numerus, (base + msg.start(2), base + msg.end(2))


def set_translation(ts, span, translation, numerus):
    body = ts[span[0]:span[1]]
    if numerus:
        # A list gives one form per plural of the language (English: singular, plural).
        forms = translation if isinstance(translation, list) else [translation]
        value = "".join("\n            <numerusform>%s</numerusform>" % escape(f) for f in forms) + "\n        "
    else:
        value = escape(translation)
    new = "<translation>%s</translation>" % value
    if TRANSLATION.search(body):
        body = TRANSLATION.sub(lambda _: new, body, count=1)
    else:
        body = body.rstrip() + "\n        " + new + "\n    "
    return ts[:span[0]] + body + ts[span[1]:]


def edit(path, choose):
    with open(path, encoding="utf-8") as f:
        ts = f.read()
    # Edit from the end so earlier spans stay valid.
    for name, source, translation, numerus, span in reversed(list(messages(ts))):
        new = choose(name, source, translation, numerus)
        if new is not None and new != translation:
            ts = set_translation(ts, span, new, numerus)
    with open(path, "w", encoding="utf-8") as f:
        f.write(ts)


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    command, path = argv[1], argv[2]
    if command == "unfinished":
        with open(path, encoding="utf-8") as f:
            todo = {s: "" for _, s, t, _, _ in messages(f.read()) if t is None}
        print(json.dumps(todo, ensure_ascii=False, indent=1))
        print("%d unfinished" % len(todo), file=sys.stderr)
        return 0
    if command == "apply":
        with open(argv[3], encoding="utf-8") as f:
            table = json.load(f)
        missing = []

        def choose(context, source, translation, _numerus):
            new = table.get(context + "|" + source) or table.get(source)
            if new is None and translation is None:
                missing.append(source)
            return new or None
        edit(path, choose)
        print("%s: %d still untranslated" % (path, len(missing)))
        for m in missing:
            print("  " + m)
        return 0
    if command == "identity":
        # English plurals: "%n model(s)" -> "%n model" / "%n models".
        edit(path, lambda _c, source, _t, numerus: [source.replace("(s)", ""), source.replace("(s)", "s")]
             if numerus else source)
        return 0
    if command == "check":
        bad = []
        for p in argv[2:]:
            with open(p, encoding="utf-8") as f:
                bad += ["%s: %s: %s" % (p, c, s) for c, s, t, _, _ in messages(f.read()) if t is None]
        for b in bad:
            print(b)
        return 1 if bad else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
