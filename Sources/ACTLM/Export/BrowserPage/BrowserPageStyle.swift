extension BrowserPage {
    /// The page's style sheet; the colour classes h0 … h15 of ponder-map's scale are added after it
    /// (`PonderColorScale`).
    static let style = #"""
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fff;
  margin:0 auto;padding:20px 32px;max-width:1100px}
h1{font-size:21px;font-weight:600;margin:0 0 4px}
h1 .model{font-weight:400;color:#777;font-size:0.75em;white-space:nowrap}
h2{font-size:17px;font-weight:600;margin:22px 0 6px}
.note{color:#555;margin:2px 0 10px;max-width:800px}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f4f4f4;padding:0 3px}
textarea{box-sizing:border-box;width:100%;height:9em;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
  padding:8px;border:1px solid #ccc;border-radius:4px;resize:vertical}
.summary{margin:8px 0;color:#333;font-variant-numeric:tabular-nums}
.quiet{color:#888}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:6px 16px;font-size:13px;color:#444;margin:6px 0}
select,input,button{font:inherit;font-size:13px}
input[type=number]{width:6em}
button{padding:3px 12px;border:1px solid #bbb;border-radius:4px;background:#f6f6f6;cursor:pointer}
button:disabled{color:#aaa;cursor:default}
.legend{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px}
.legend .ramp{display:inline-flex;border:1px solid #ddd}
.legend .ramp i{display:inline-block;width:14px;height:14px}
.legend .hint,.legend .strips{color:#888}
.details{position:sticky;top:0;z-index:1;background:#fffdf6;border:1px solid #e8e2cc;border-radius:4px;
  padding:6px 10px;margin:8px 0;font-size:13px;min-height:2.6em;font-variant-numeric:tabular-nums;overflow-x:auto}
.details .big{font:22px ui-monospace,Menlo,Consolas,monospace;padding:0 6px;background:#fff;border:1px solid #ddd}
.details table{display:inline-table;border-collapse:collapse;vertical-align:middle;margin:0 8px}
.details th,.details td{padding:0 6px;text-align:right}
.details th{color:#777;font-weight:400}
.details .guess{margin-right:10px;white-space:nowrap}
.map{font:15px/1 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:10px 0;border-top:1px solid #e6e6e6;
  overflow-wrap:anywhere}
.map .w{white-space:nowrap}
.map .c{display:inline-block;vertical-align:top;margin-bottom:5px;cursor:default}
.map .c b{display:block;font-weight:400;white-space:pre;padding:2px 0 1px;min-width:0.6em;text-align:center}
.map .c i{display:block;height:3px}
.map .c.on,.map .c:hover{outline:1.5px solid #222}
.map .none{background:#fff}
.sampled .c b{padding:2px 0}
pre#ponder-tsv{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;max-height:24em;overflow:auto;background:#fafafa;
  border:1px solid #eee;padding:8px}
footer{margin-top:24px;color:#888;font-size:12px}
@media (max-width:600px){body{padding:10px 8px}.map{font-size:14px}textarea{height:7em}}
"""#
}
