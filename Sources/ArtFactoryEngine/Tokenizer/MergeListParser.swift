/// Splits a BPE merge list (`merges.txt` or CLIP's merge file) into pairs, working on UTF-8 bytes.
/// The `#version` header and empty lines are skipped (merges themselves may start with `#`).
enum MergeListParser {
    private static let header = Array("#version".utf8)

    private static func isVersionHeader(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end - start >= header.count && buffer[start..<(start + header.count)].elementsEqual(header)
    }

    static func pairs(_ bytes: [UInt8], path: String, skipFirstLine: Bool = false) throws -> [(String, String)] {
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(50_000)
        try bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            if skipFirstLine {
                while lineStart < buffer.count, buffer[lineStart] != 0x0A { lineStart += 1 }
                lineStart += 1
            }
            while lineStart < buffer.count {
                var lineEnd = lineStart
                while lineEnd < buffer.count, buffer[lineEnd] != 0x0A { lineEnd += 1 }
                var end = lineEnd
                if end > lineStart, buffer[end - 1] == 0x0D { end -= 1 }
                if end > lineStart, !isVersionHeader(buffer, lineStart, end) {
                    var space = lineStart
                    while space < end, buffer[space] != 0x20 { space += 1 }
                    let secondStart = space + 1
                    let hasSecondSpace = secondStart < end && buffer[secondStart..<end].contains(0x20)
                    guard space > lineStart, secondStart < end, !hasSecondSpace else {
                        let line = String(decoding: UnsafeBufferPointer(rebasing: buffer[lineStart..<end]), as: UTF8.self)
                        throw EngineError.tokenizerFile(path, "has a malformed merge line '\(line.prefix(80))'")
                    }
                    pairs.append((String(decoding: UnsafeBufferPointer(rebasing: buffer[lineStart..<space]), as: UTF8.self),
                                  String(decoding: UnsafeBufferPointer(rebasing: buffer[secondStart..<end]), as: UTF8.self)))
                }
                lineStart = lineEnd + 1
            }
        }
        return pairs
    }
}
