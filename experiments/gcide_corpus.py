#!/usr/bin/env python3
"""Makes a training corpus and a held-out text from Debian's GCIDE dictionary (package dict-gcide).

The dictionary (39.95 MB of English definitions, quotations and etymologies, letters A to Z) is cut
into a held-out part of about --heldout-bytes, taken as --slices runs of whole entries spread evenly
over the alphabet, and the rest in order, which training reads. Both are written gzip-compressed,
byte for byte the same on every run, through a temporary file renamed at the end.

    experiments/gcide_corpus.py /usr/share/dictd/gcide.dict.dz corpora/gcide.gz corpora/gcide-heldout.txt.gz
"""
import argparse
import gzip
import os
import sys


def entry_start(text, position):
    """The first entry that starts at or after position: a line after a blank line, not indented."""
    while True:
        found = text.find(b'\n\n', position)
        if found < 0:
            return len(text)
        start = found + 2
        while start < len(text) and text[start:start + 1] == b'\n':
            start += 1
        if start < len(text) and text[start:start + 1] not in (b' ', b'\t'):
            return start
        position = start


def split(text, heldout_bytes, slices):
    """(training bytes, held-out bytes): slice k starts at the first entry after (k + 1/2)/slices of the
    text and runs to the first entry boundary past heldout_bytes/slices."""
    size = heldout_bytes // slices
    cuts = []
    for k in range(slices):
        start = entry_start(text, (2 * k + 1) * len(text) // (2 * slices))
        end = entry_start(text, start + size)
        if cuts and start < cuts[-1][1]:
            sys.exit('error: the held-out slices overlap; ask for fewer or smaller slices')
        cuts.append((start, end))
    train, heldout, previous = [], [], 0
    for start, end in cuts:
        train.append(text[previous:start])
        heldout.append(text[start:end])
        previous = end
    train.append(text[previous:])
    return b''.join(train), b''.join(heldout)


def write_gzip(data, path):
    temporary = path + '.tmp'
    with open(temporary, 'wb') as raw:
        with gzip.GzipFile(filename='', mode='wb', fileobj=raw, compresslevel=6, mtime=0) as out:
            out.write(data)
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('dictionary', help='gcide.dict.dz (dictzip, which gzip reads)')
    parser.add_argument('train', help='the training corpus to write (gzip)')
    parser.add_argument('heldout', help='the held-out text to write (gzip)')
    parser.add_argument('--heldout-bytes', type=int, default=1_000_000, help='about this many held-out bytes (1,000,000)')
    parser.add_argument('--slices', type=int, default=8, help='held-out runs of entries, spread over A to Z (8)')
    args = parser.parse_args()
    try:
        with gzip.open(args.dictionary, 'rb') as f:
            text = f.read()
    except OSError as error:
        sys.exit(f'error: cannot read {args.dictionary}: {error}')
    if len(text) < 4 * args.heldout_bytes:
        sys.exit(f'error: {args.dictionary} has only {len(text):,} bytes, too few to hold out {args.heldout_bytes:,}')
    train, heldout = split(text, args.heldout_bytes, args.slices)
    write_gzip(heldout, args.heldout)
    write_gzip(train, args.train)
    print(f'{args.train}: {len(train):,} bytes to train on; {args.heldout}: {len(heldout):,} held-out bytes '
          f'in {args.slices} runs of entries')


if __name__ == '__main__':
    main()
