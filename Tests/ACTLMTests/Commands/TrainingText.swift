import ACTLM

/// Text for the tests that train a model before using it.
enum TrainingText {
    /// Sentences in several scripts (Latin with accents, Greek, Japanese, an emoji), shuffled by seed:
    /// most characters take two to four bytes, so a sample is valid UTF-8 only if the model has learnt
    /// which bytes follow which.
    static func multilingual(bytes: Int, seed: UInt64 = 4) -> [UInt8] {
        let sentences = ["Grüße aus Köln. ", "Ελληνικά γράμματα. ", "東京は大きい。", "Ça va très bien. ",
                         "señor niño año. ", "猫が好きです。", "Smile 😀 always. ", "Zürich über alles. "]
            .map { Array($0.utf8) }
        var random = RandomSource(seed: seed)
        var out: [UInt8] = []
        while out.count < bytes { out += sentences[Int(random.next() % UInt64(sentences.count))] }
        return Array(out.prefix(bytes))
    }
}
