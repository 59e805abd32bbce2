/// GPT-2/CLIP's reversible map from bytes to printable Unicode characters (`bytes_to_unicode`).
enum ByteEncoder {
    /// Character for each byte value 0...255.
    static let symbolForByte: [String] = {
        var printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var codes = printable
        var extra = 0
        for b in 0..<256 where !printable.contains(b) {
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
        }
        var table = [String](repeating: "", count: 256)
        for (b, c) in zip(printable, codes) { table[b] = Unicode.Scalar(UInt32(c)).map { String(Character($0)) } ?? "" }
        return table
    }()

    /// The symbols in CLIP's vocabulary order (printable bytes first, then the remapped ones).
    static let symbolsInCLIPOrder: [String] = {
        let printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        let rest = (0..<256).filter { !printable.contains($0) }
        return (printable + rest).map { symbolForByte[$0] }
    }()
}
