"""Trims the Apache-2.0 DolphinDB Level-2 samples into small test fixtures.

Source: ../shared/data/real/cn-l2-dolphindb (github.com/dolphindb/Tutorials_CN @ 35282f62,
Apache-2.0, "Copyright 2016-2023 DolphinDB, Inc."; exchange data re-published as tutorial
samples; see NOTICE.md here). Rows are kept whole and unchanged; only rows outside the time
windows below and unused columns are left out.

Run from this folder: python3 make_fixtures.py [path/to/cn-l2-dolphindb]
"""
import csv
import gzip
import io
import os
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), '..', '..', '..', '..', '..', '..', 'shared', 'data', 'real', 'cn-l2-dolphindb')


def hms(t):
    return t[:8]


def trim(src, dst, keep_row, keep_cols=None):
    with gzip.open(os.path.join(SRC, src), 'rt', newline='') as f:
        r = csv.reader(f)
        header = next(r)
        idx = list(range(len(header))) if keep_cols is None else [header.index(c) for c in keep_cols]
        out = io.StringIO()
        w = csv.writer(out, lineterminator='\n')
        w.writerow([header[i] for i in idx])
        n = 0
        for row in r:
            if row and keep_row(dict(zip(header, row))):
                w.writerow([row[i] for i in idx])
                n += 1
    with gzip.GzipFile(dst, 'wb', mtime=0) as g:
        g.write(out.getvalue().encode())
    print(dst, n, 'rows', os.path.getsize(dst), 'bytes')


WINDOWS = [('09:14:00', '10:00:00'), ('11:20:00', '13:10:00'), ('14:50:00', '15:01:00')]


def in_windows(t):
    return any(a <= t < b for a, b in WINDOWS)


levels = [f'{p}{k}' for p in ('BidPrice', 'BidVolume', 'AskPrice', 'AskVolume') for k in range(1, 11)]
orders = [f'NumOrders{s}{k}' for s in 'BS' for k in range(1, 11)]
trim('snapshots/sh600519_20230201_snapshot.csv.gz', 'sh600519_20230201_snapshot_trim.csv.gz',
     lambda r: in_windows(hms(r['UpdateTime'])),
     ['UpdateTime', 'SecurityID', 'InstruStatus', 'LastPrice', 'TradNumber', 'TradVolume', 'Turnover'] + levels + orders)
trim('trades/sh600519_20230201_trades.csv.gz', 'sh600519_20230201_trades_trim.csv.gz',
     lambda r: in_windows(hms(r['TradTime'])),
     ['TradTime', 'TradPrice', 'TradVolume', 'TradeMoney', 'TradeBSFlag'])
trim('snapshots/sz_5stocks_20220601_snapshot.csv.gz', 'sz300122_20220601_snapshot_trim.csv.gz',
     lambda r: r['SecurityID'] == '300122.SZ' and ('09:15:00' <= r['MDTime'] < '09:33:00' or r['MDTime'] >= '14:59:00'))
trim('snapshots/sh_30stocks_20211201_0915-1030_snapshot.csv.gz', 'sh600103_20211201_snapshot_trim.csv.gz',
     lambda r: r['SecurityID'] == '600103' and r['DateTime'][11:19] < '09:32:00')
