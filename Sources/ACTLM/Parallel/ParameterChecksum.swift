/// A cheap fingerprint of the parameters (FNV-1a over their bit patterns), compared across the ranks of a
/// data-parallel run at every checkpoint: equal weights everywhere is what makes them one model.
public enum ParameterChecksum {
    public static func of(_ parameters: [Float]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for value in parameters {
            hash = (hash ^ UInt64(value.bitPattern)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
