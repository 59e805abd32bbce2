import Foundation

/// Byte-pair encoding over token ids: turns one word into vocabulary ids by applying merges in rank order.
///
/// A word is first spelled as its UTF-8 bytes mapped through `bytes_to_unicode`, the last symbol
/// carrying `</w>`; then the lowest-ranked adjacent pair is merged everywhere (left to right) until no
/// ranked pair remains. Words are cached, so the class is thread-safe through a lock.
final class BytePairEncoder: @unchecked Sendable {
    private let byteIDs: [Int32]
    private let byteEndIDs: [Int32]
    /// (left id << 32 | right id) → (rank, merged id)
    private let ranks: [UInt64: (rank: Int32, merged: Int32)]
    private let unknownID: Int32
    private var cache: [String: [Int32]] = [:]
    private let lock = NSLock()

    init(vocabulary: CLIPVocabulary, unknownID: Int32) {
        let table = vocabulary.tokenToID
        self.unknownID = unknownID
        byteIDs = ByteEncoder.symbolForByte.map { table[$0] ?? unknownID }
        byteEndIDs = ByteEncoder.symbolForByte.map { table[$0 + "</w>"] ?? unknownID }
        var ranks: [UInt64: (rank: Int32, merged: Int32)] = [:]
        ranks.reserveCapacity(vocabulary.merges.count)
        for (rank, pair) in vocabulary.merges.enumerated() {
            guard let left = table[pair.0], let right = table[pair.1], let merged = table[pair.0 + pair.1] else { continue }
            let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
            if ranks[key] == nil { ranks[key] = (Int32(rank), merged) }
        }
        self.ranks = ranks
    }

    /// Ids for one pre-split word (no white space inside).
    func encode(word: String) -> [Int32] {
        if let hit = lock.withLock({ cache[word] }) { return hit }
        let bytes = Array(word.utf8)
        guard !bytes.isEmpty else { return [] }
        var symbols = bytes.map { byteIDs[Int($0)] }
        symbols[symbols.count - 1] = byteEndIDs[Int(bytes[bytes.count - 1])]
        while symbols.count > 1 {
            var best: (rank: Int32, merged: Int32)?
            var bestKey: UInt64 = 0
            for i in 0..<(symbols.count - 1) {
                let key = Self.key(symbols[i], symbols[i + 1])
                if let entry = ranks[key], entry.rank < (best?.rank ?? .max) {
                    best = entry
                    bestKey = key
                }
            }
            guard let merge = best else { break }
            var next: [Int32] = []
            next.reserveCapacity(symbols.count)
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count, Self.key(symbols[i], symbols[i + 1]) == bestKey {
                    next.append(merge.merged)
                    i += 2
                } else {
                    next.append(symbols[i])
                    i += 1
                }
            }
            symbols = next
        }
        lock.withLock { if cache.count < 50_000 { cache[word] = symbols } }
        return symbols
    }

    private static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }
}
