/// Groups a stream of ponder-map rows into characters: one row for ASCII, two to four for a valid UTF-8
/// sequence, and one for each byte that is not valid UTF-8. Views colour and label whole characters, so
/// an escape code or a tag never lands inside a multi-byte character.
///
/// Holds at most one character (four rows), whatever the length of the text.
struct UTF8Grouping {
    private var rows: [PonderMapRow] = []
    private var single: [PonderMapRow] = []
    private var expected = 0

    init() {
        rows.reserveCapacity(4)
        single.reserveCapacity(1)
    }

    /// Adds the next row; calls `emit(rows, isValidUTF8)` for every character it completes.
    mutating func add(_ row: PonderMapRow, _ emit: ([PonderMapRow], Bool) throws -> Void) rethrows {
        if !rows.isEmpty {
            if continues(row.byte) {
                rows.append(row)
                if rows.count == expected {
                    try emit(rows, true)
                    rows.removeAll(keepingCapacity: true)
                }
                return
            }
            try flushInvalid(emit)
        }
        switch Self.sequenceLength(lead: row.byte) {
        case 0:
            try emitSingle(row, valid: false, emit)
        case 1:
            try emitSingle(row, valid: true, emit)
        case let n:
            rows.append(row)
            expected = n
        }
    }

    /// Emits what is left of an unfinished sequence at the end of the text.
    mutating func finish(_ emit: ([PonderMapRow], Bool) throws -> Void) rethrows {
        try flushInvalid(emit)
    }

    private mutating func flushInvalid(_ emit: ([PonderMapRow], Bool) throws -> Void) rethrows {
        let pending = rows
        rows.removeAll(keepingCapacity: true)
        for row in pending { try emitSingle(row, valid: false, emit) }
    }

    private mutating func emitSingle(_ row: PonderMapRow, valid: Bool,
                                     _ emit: ([PonderMapRow], Bool) throws -> Void) rethrows {
        single.append(row)
        defer { single.removeAll(keepingCapacity: true) }
        try emit(single, valid)
    }

    /// Whether `b` may follow the rows collected so far (RFC 3629: no overlong forms, no surrogates,
    /// nothing above U+10FFFF).
    private func continues(_ b: UInt8) -> Bool {
        guard rows.count == 1 else { return (0x80...0xBF).contains(b) }
        switch rows[0].byte {
        case 0xE0: return (0xA0...0xBF).contains(b)
        case 0xED: return (0x80...0x9F).contains(b)
        case 0xF0: return (0x90...0xBF).contains(b)
        case 0xF4: return (0x80...0x8F).contains(b)
        default: return (0x80...0xBF).contains(b)
        }
    }

    /// Bytes in the sequence `lead` starts; 0 when it cannot start one.
    static func sequenceLength(lead: UInt8) -> Int {
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0
        }
    }
}
