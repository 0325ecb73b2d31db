"""Builds the English corpus (src/main/resources/corpus/austen/) from Debian's r-cran-janeaustenr .deb.

    apt-get download r-cran-janeaustenr    # 1.0.0-1 (bookworm), sha256 in corpus/austen/SOURCE.md
    python3 squeeze-tooling/corpus/extract-austen.py r-cran-janeaustenr_1.0.0-1_all.deb \
        squeeze-tooling/src/main/resources/corpus/austen

Five novels train, Persuasion is held out. Each paragraph becomes one line (the package keeps
Project Gutenberg's 70-column wrapping, which would teach a byte model newlines mid-sentence).
Nothing here runs at build or run time: the output is committed.
"""
import gzip
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rdata  # noqa: E402

TRAIN = ['sensesensibility', 'prideprejudice', 'mansfieldpark', 'emma', 'northangerabbey']
HELD_OUT = ['persuasion']
# An editor's note of the Signet Classic edition closes Northanger Abbey; it is not Austen's text.
EDITORIAL_TAIL = {'northangerabbey': 'A NOTE ON THE TEXT'}


def paragraphs(name, lines):
    lines = [line or '' for line in lines]
    if name in EDITORIAL_TAIL:
        lines = lines[:lines.index(EDITORIAL_TAIL[name])]
    out, current = [], []
    for line in lines + ['']:
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append(' '.join(current))
            current = []
    return out


def write(path, books, novels):
    text = ''.join(p + '\n' for name in books for p in paragraphs(name, novels[name]))
    with open(path, 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', mtime=0, filename='') as f:
        f.write(text.encode('utf-8'))  # mtime 0 and no name: the same bytes on every run
    print('%s: %d bytes of text, %d lines' % (path, len(text.encode('utf-8')), text.count('\n')))


def main(deb, out):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(['dpkg-deb', '-x', deb, tmp], check=True)
        data = os.path.join(tmp, 'usr/lib/R/site-library/janeaustenr/data')
        novels = rdata.objects(os.path.join(data, 'Rdata.rdx'), os.path.join(data, 'Rdata.rdb'))
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, 'train.txt.gz'), TRAIN, novels)
    write(os.path.join(out, 'heldout.txt.gz'), HELD_OUT, novels)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
