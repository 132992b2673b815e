"""Check a Spanish PO work file: every message translated, Tera tags kept,
no English left, short sentences, and the INFLESZ (Szigriszt-Pazos) score.

usage: python3 check_po.py FILE.po [--all]
"""
import re, sys, collections
import polib, textstat
textstat.set_lang('es')

TAG = re.compile(r'\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}', re.S)

def tags(s):
    stmts, exprs = [], []
    for m in TAG.finditer(s):
        t = ' '.join(m.group(0).split())
        if t.startswith('{%'): stmts.append(t)
        elif t.startswith('{{'): exprs.append(t)
    return stmts, sorted(exprs)

ENGLISH = {'the','and','you','your','we','our','with','must','may','will','of','for','this','that','is','are','to','if','or','when','not','be','have','can','who','what','law'}

def prose(s):
    s = TAG.sub(' ', s)
    s = re.sub(r'\[\^[^\]]*\]:?', ' ', s)
    s = re.sub(r'[#*`>_]|^\s*- ', ' ', s, flags=re.M)
    return s

def main():
    path = sys.argv[1]
    po = polib.pofile(path)
    problems = 0
    texts = []
    for e in po:
        where = f'{e.occurrences[0][0]}:{e.occurrences[0][1]}' if e.occurrences else e.msgctxt
        if not e.msgstr.strip():
            print(f'UNTRANSLATED {where}: {e.msgid[:60]!r}'); problems += 1; continue
        if 'fuzzy' in e.flags:
            print(f'FUZZY {where}'); problems += 1
        refs = lambda t: sorted(re.findall(r'\[\^[^\]]+\]', t))
        if refs(e.msgid) != refs(e.msgstr):
            print(f'FOOTNOTES DIFFER {where}: english {refs(e.msgid)} spanish {refs(e.msgstr)}'); problems += 1
        fences = lambda t: re.findall(r'^```\w*', t, re.M)
        if fences(e.msgid) != fences(e.msgstr):
            print(f'CODE FENCES DIFFER {where}'); problems += 1
        if tags(e.msgid) != tags(e.msgstr):
            a, b = tags(e.msgid), tags(e.msgstr)
            print(f'TAGS DIFFER {where}:\n  english statements {a[0]}\n  spanish statements {b[0]}\n  english values {a[1]}\n  spanish values {b[1]}'); problems += 1
        p = prose(e.msgstr)
        words = re.findall(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ']+", p)
        eng = [w for w in words if w.lower() in ENGLISH]
        if eng:
            print(f'ENGLISH? {where}: {sorted(set(eng))}')
        for sent in re.split(r'(?<=[.!?:])\s+|\n', p):
            n = len(sent.split())
            if n > 22:
                print(f'LONG SENTENCE ({n} words) {where}: {sent.strip()[:80]!r}')
        if e.msgid.strip()[:1] in '#-' and e.msgstr.strip()[:1] != e.msgid.strip()[:1]:
            print(f'MARKDOWN START DIFFERS {where}')
        if e.msgid.endswith('\n') != e.msgstr.endswith('\n'):
            print(f'TRAILING NEWLINE DIFFERS {where}'); problems += 1
        if e.msgid.count('\n') != e.msgstr.count('\n') and '{%' in e.msgid:
            print(f'LINE COUNT DIFFERS {where} (english {e.msgid.count(chr(10))+1}, spanish {e.msgstr.count(chr(10))+1}) - keep the line structure of tags')
        texts.append(p)
    whole = '\n'.join(texts)
    if whole.strip():
        print(f'INFLESZ (Szigriszt-Pazos) of all translations: {textstat.szigriszt_pazos(whole):.1f} (target: 65 or more)')
    print(f'{problems} blocking problems')
    sys.exit(1 if problems else 0)

main()
