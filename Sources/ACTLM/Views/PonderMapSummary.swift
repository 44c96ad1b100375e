/// The numbers a ponder map ends with: mean ponder per character class and layer, bits per character,
/// and the word-boundary to inside-word ponder ratio. The views only show these numbers; they are
/// computed once, by the ponder statistics, and handed over in this plain form.
public struct PonderMapSummary: Equatable, Sendable {
    public struct ClassPonder: Equatable, Sendable {
        public var characterClass: CharacterClass
        public var count: Int64          // bytes of this class
        public var meanRho: [Double]     // [L]

        public init(characterClass: CharacterClass, count: Int64, meanRho: [Double]) {
            self.characterClass = characterClass
            self.count = count
            self.meanRho = meanRho
        }
    }

    public var layers: Int
    public var bytes: Int64                    // bytes the model read
    public var classes: [ClassPonder]          // the classes that occurred
    public var meanRho: [Double]               // [L] over all bytes
    public var bitsPerCharacter: Double?       // over the predicted bytes; nil when none was predicted
    public var boundaryToInsideRatio: [Double?] // [L] nil where a class is missing from the text

    public init(layers: Int, bytes: Int64, classes: [ClassPonder], meanRho: [Double],
                bitsPerCharacter: Double?, boundaryToInsideRatio: [Double?]) {
        self.layers = layers
        self.bytes = bytes
        self.classes = classes
        self.meanRho = meanRho
        self.bitsPerCharacter = bitsPerCharacter
        self.boundaryToInsideRatio = boundaryToInsideRatio
    }

    /// A small plain-text table, for standard error after a terminal or TSV map.
    public var plainText: String {
        func number(_ x: Double?, _ decimals: Int = 3) -> String {
            guard let x, x.isFinite else { return "—" }
            return formatFixed(x, decimals: decimals)
        }
        func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - s.count))
            return left ? s + fill : fill + s
        }
        let layerHeads = (0..<layers).map { "ρ layer \($0 + 1)" }
        var lines = [pad("class", 14, left: true) + pad("bytes", 10) + layerHeads.map { pad($0, 11) }.joined()]
        for c in classes {
            lines.append(pad(c.characterClass.name, 14, left: true) + pad(String(c.count), 10)
                         + c.meanRho.map { pad(number($0), 11) }.joined())
        }
        lines.append(pad("all", 14, left: true) + pad(String(bytes), 10)
                     + meanRho.map { pad(number($0), 11) }.joined())
        lines.append("bits per character: \(number(bitsPerCharacter))")
        lines.append("ponder at word boundaries / inside words: "
                     + boundaryToInsideRatio.enumerated().map { "layer \($0.offset + 1) \(number($0.element, 2))" }
                        .joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }
}
