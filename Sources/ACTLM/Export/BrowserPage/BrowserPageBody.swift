extension BrowserPage {
    /// The parts of the page the script fills: the text box, summary, legend, details, heat map, sampler and
    /// the TSV (`<pre id="ponder-tsv">`, for tools: `model.html?text=…` holds the ponder map of that text).
    static let body = #"""
<header>
<h1>Where the model ponders <span class="model" id="model-name"></span></h1>
<p class="note">Type or paste any text. The model reads it byte by byte as <code>actlm eval</code> does and
shows, for every character, how long each layer pondered on it: ρ = N + R, the ponder steps N plus the
remainder R. Hover over a character, or tap it, for its numbers and the model's guesses at what comes next.</p>
</header>
<textarea id="text" spellcheck="false" autocomplete="off" aria-label="Text to score"></textarea>
<div class="summary" id="summary"></div>
<div class="bar">
<label>Colour by <select id="colour-by"></select></label>
<div class="legend" id="legend"></div>
</div>
<div class="details" id="details">Hover over a character, or tap it.</div>
<div class="map" id="map"></div>
<section class="sample">
<h2>Continue the text</h2>
<div class="controls">
<label>bytes <input id="sample-length" type="number" min="1" max="100000" value="300"/></label>
<label>temperature <input id="sample-temperature" type="number" min="0" max="5" step="0.1" value="1"/></label>
<label>seed <input id="sample-seed" type="number" min="0" step="1" placeholder="new"/></label>
<button id="sample-button" type="button">Sample</button>
<button id="sample-append" type="button" disabled="disabled">Add to the text</button>
</div>
<p class="note">Each generated character is coloured by ρ summed over the layers, from light at one step per
layer to dark at three or more, as <code>actlm sample --show-ponder</code> does. The same seed gives the same
text, here and in <code>actlm sample --prime</code>.</p>
<div class="map sampled" id="sample-output"></div>
</section>
<section class="table">
<button id="tsv-button" type="button">TSV</button>
<span class="note">the ponder map of the text as <code>actlm ponder-map --format tsv</code> writes it (shows it and downloads it)</span>
<pre id="ponder-tsv" hidden="hidden"></pre>
<pre id="near-threshold" hidden="hidden"></pre>
</section>
<footer id="about"></footer>
"""#
}
