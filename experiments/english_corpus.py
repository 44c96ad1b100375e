#!/usr/bin/env python3
"""Makes a training corpus of about 84 MB of English, and a held-out text, from what Debian packages ship.

A one-hour run at 2 × 256 reads 55–75 MB, so this corpus is read less than once, as a user's corpus
(enwik8 is 100 MB) would be. The parts, each cut into training and held-out bytes:
  - the GCIDE dictionary (dict-gcide): held out as runs of whole entries spread over A to Z;
  - the Linux kernel's documentation (linux-doc), the Python documentation's sources (python3-doc) and
    Perl's manual (perl-doc): prose with some code; every --every-th file (in path order) is held out.
Translations of the kernel documents are left out: the corpus is English. Training reads the parts one
after another; actlm's B streams start evenly spaced over the corpus, so every window mixes them.
Both files are written gzip-compressed, byte for byte the same on every run, each through a temporary
file renamed at the end.

    experiments/english_corpus.py corpora/english.gz corpora/english-heldout.txt.gz
"""
import argparse
import glob
import gzip
import os
import sys

from gcide_corpus import split, write_gzip

GCIDE = '/usr/share/dictd/gcide.dict.dz'
# name, Debian package, file patterns (recursive globs), and path parts whose files are left out
DOCUMENT_TREES = [
    ('kernel documentation', 'linux-doc',
     ['/usr/share/doc/linux-doc-*/Documentation/**/*.rst.gz', '/usr/share/doc/linux-doc-*/Documentation/**/*.txt.gz'],
     ['/translations/']),
    ('Python documentation', 'python3-doc', ['/usr/share/doc/python3.*/html/_sources/**/*.rst.txt'], []),
    ('Perl manual', 'perl-doc', ['/usr/share/perl/*/pod/*.pod'], []),
]


def read(path):
    opener = gzip.open if path.endswith(('.gz', '.dz')) else open
    with opener(path, 'rb') as f:
        return f.read()


def tree_files(patterns, excluded):
    # The same files can be reached by several names (python3.11-doc links its html to python3.11's).
    paths = set()
    for pattern in patterns:
        paths.update(os.path.realpath(p) for p in glob.glob(pattern, recursive=True))
    return sorted(p for p in paths if os.path.isfile(p) and not any(part in p for part in excluded))


def split_documents(paths, every):
    """(training bytes, held-out bytes): whole files, each ending in a blank line; file k is held out
    when k % every == every // 2."""
    train, heldout = [], []
    for k, path in enumerate(paths):
        text = read(path).rstrip(b'\n') + b'\n\n'
        (heldout if k % every == every // 2 else train).append(text)
    return b''.join(train), b''.join(heldout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('train', help='the training corpus to write (gzip)')
    parser.add_argument('heldout', help='the held-out text to write (gzip)')
    parser.add_argument('--gcide-heldout-bytes', type=int, default=500_000,
                        help='about this many held-out bytes of the dictionary (500,000)')
    parser.add_argument('--every', type=int, default=80, help='hold out every this-many-th document file (80)')
    args = parser.parse_args()

    missing = [] if os.path.isfile(GCIDE) else ['dict-gcide']
    trees = []
    for name, package, patterns, excluded in DOCUMENT_TREES:
        paths = tree_files(patterns, excluded)
        if paths:
            trees.append((name, paths))
        else:
            missing.append(package)
    if missing:
        sys.exit(f'error: install {" ".join(missing)} first (apt-get install -y {" ".join(missing)})')

    try:
        gcide_train, gcide_heldout = split(read(GCIDE), args.gcide_heldout_bytes, 8)
        parts = [('GCIDE dictionary', gcide_train, gcide_heldout)]
        for name, paths in trees:
            parts.append((name, *split_documents(paths, args.every)))
    except OSError as error:
        sys.exit(f'error: {error}')
    train = b''.join(t for _, t, _ in parts)
    heldout = b''.join(h for _, _, h in parts)
    write_gzip(heldout, args.heldout)
    write_gzip(train, args.train)
    for name, t, h in parts:
        print(f'  {name}: {len(t):,} bytes to train on, {len(h):,} held out')
    print(f'{args.train}: {len(train):,} bytes to train on; {args.heldout}: {len(heldout):,} held-out bytes')


if __name__ == '__main__':
    main()
