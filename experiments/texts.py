#!/usr/bin/env python3
"""The texts experiments/run.sh scores every model on, written once into its output folder OUT so that every
model is scored on exactly the same bytes, and the excerpt its ponder-map figure shows.

  texts.py OUT ACTLM CORPUS HELDOUT [ALSO...]

OUT/texts.tsv gets one "key<TAB>label<TAB>file" line a text: the held-out text first (key eval: HELDOUT,
or when that is empty the validation part of CORPUS, its last 5% as `actlm train` splits it), the
validation part of every ALSO corpus (key: its file name up to the first dot), then the licence texts
Debian ships (key other), if there are any. ACTLM is the actlm that says where a corpus's validation part
starts (`actlm corpus --json`).
"""
import gzip
import json
import os
import re
import subprocess
import sys

# Another kind of English text, never trained on: legal prose from Debian's base-files package.
LICENCES = ['GPL-3', 'Apache-2.0', 'GFDL-1.3', 'MPL-2.0']


def read(path):
    """A file's bytes, decompressed when its name ends in .gz."""
    with (gzip.open(path) if path.endswith('.gz') else open(path, 'rb')) as f:
        return f.read()


def validation_part(actlm, corpus):
    info = json.loads(subprocess.run([actlm, 'corpus', corpus, '--json'], check=True, capture_output=True).stdout)
    text = read(corpus)
    return text[max(len(text) - info['valid_bytes'], 0):] if info['valid_bytes'] else b''


def excerpt(text):
    """A readable excerpt of prose: a paragraph of article text a third of the way into `text`."""
    starts = [m.start() for m in re.finditer(rb'\n[A-Z][a-z]+ [a-z]+ [a-z]+', text)]
    start = starts[len(starts) // 3] + 1 if starts else 0
    return text[start:start + 600]


def main(out, actlm, corpus, heldout, *also):
    lines = []

    def add(key, label, path, text):
        open(path, 'wb').write(text)
        lines.append(f'{key}\t{label}\t{path}\n')
    if heldout:
        add('eval', f'held-out {os.path.basename(heldout)}', f'{out}/heldout.txt', read(heldout))
    else:
        add('eval', f'held-out part of {os.path.basename(corpus)}', f'{out}/heldout.txt', validation_part(actlm, corpus))
    open(f'{out}/excerpt.txt', 'wb').write(excerpt(read(f'{out}/heldout.txt')))
    for other in also:
        key = os.path.basename(other).split('.')[0]
        add(key, f'held-out part of {os.path.basename(other)}', f'{out}/heldout-{key}.txt', validation_part(actlm, other))
    licences = b''.join(read(f'/usr/share/common-licenses/{name}') for name in LICENCES
                        if os.path.isfile(f'/usr/share/common-licenses/{name}'))
    open(f'{out}/other.txt', 'wb').write(licences)
    if licences:
        lines.append(f'other\tlicence texts\t{out}/other.txt\n')
    open(f'{out}/texts.tsv', 'w').write(''.join(lines))


if __name__ == '__main__':
    main(*sys.argv[1:])
