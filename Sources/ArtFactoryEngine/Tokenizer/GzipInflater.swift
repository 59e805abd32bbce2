/// A small gzip (RFC 1952) / DEFLATE (RFC 1951) decoder, so the built-in CLIP vocabulary can ship
/// compressed without linking zlib into the engine.
///
/// Decodes the whole member in memory and verifies the CRC-32 and length trailer.
struct GzipInflater {
    private let input: [UInt8]
    private var position = 0
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0
    private var padding = 0
    private var output: [UInt8] = []

    struct Failure: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// Decompresses one gzip member.
    static func gunzip(_ data: [UInt8]) throws -> [UInt8] {
        var inflater = GzipInflater(input: data)
        try inflater.readHeader()
        try inflater.inflate()
        try inflater.checkTrailer()
        return inflater.output
    }

    private init(input: [UInt8]) {
        self.input = input
        output.reserveCapacity(input.count * 3)
    }

    private mutating func byte() throws -> UInt8 {
        guard position < input.count else { throw Failure(description: "unexpected end of gzip data") }
        defer { position += 1 }
        return input[position]
    }

    private mutating func readHeader() throws {
        guard try byte() == 0x1f, try byte() == 0x8b else { throw Failure(description: "not gzip data") }
        guard try byte() == 8 else { throw Failure(description: "unsupported gzip compression method") }
        let flags = try byte()
        position += 6  // mtime, xfl, os
        if flags & 4 != 0 {
            let length = Int(try byte()) | Int(try byte()) << 8
            position += length
        }
        if flags & 8 != 0 { while try byte() != 0 {} }
        if flags & 16 != 0 { while try byte() != 0 {} }
        if flags & 2 != 0 { position += 2 }
    }

    /// Drops the partial byte and gives whole buffered bytes back to the input (for byte-aligned reads).
    private mutating func alignToByte() {
        let wholeBytes = (bitCount - padding) / 8
        position -= max(0, wholeBytes)
        bitBuffer = 0
        bitCount = 0
        padding = 0
    }

    private mutating func checkTrailer() throws {
        alignToByte()
        var crcStored: UInt32 = 0
        var sizeStored: UInt32 = 0
        for shift in stride(from: 0, to: 32, by: 8) { crcStored |= UInt32(try byte()) << UInt32(shift) }
        for shift in stride(from: 0, to: 32, by: 8) { sizeStored |= UInt32(try byte()) << UInt32(shift) }
        guard sizeStored == UInt32(truncatingIfNeeded: output.count) else { throw Failure(description: "gzip length mismatch") }
        guard crcStored == CRC32.checksum(output) else { throw Failure(description: "gzip CRC mismatch") }
    }

    private mutating func bits(_ count: Int) throws -> Int {
        while bitCount < count {
            bitBuffer |= UInt64(try byte()) << UInt64(bitCount)
            bitCount += 8
        }
        guard count <= bitCount - padding else { throw Failure(description: "unexpected end of deflate data") }
        let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
        bitBuffer >>= UInt64(count)
        bitCount -= count
        return value
    }

    /// Canonical Huffman table decoded through one lookup of `maxLength` bits: entry = symbol << 4 | length.
    private struct Huffman {
        var table: [UInt32]
        var maxLength: Int

        init(lengths: [Int]) throws {
            maxLength = max(1, lengths.max() ?? 1)
            guard maxLength <= 15 else { throw Failure(description: "Huffman code longer than 15 bits") }
            var counts = [Int](repeating: 0, count: 16)
            for length in lengths where length > 0 { counts[length] += 1 }
            var next = [Int](repeating: 0, count: 16)
            var code = 0
            for length in 1...15 {
                code = (code + counts[length - 1]) << 1
                next[length] = code
            }
            table = [UInt32](repeating: 0, count: 1 << maxLength)
            for (symbol, length) in lengths.enumerated() where length > 0 {
                let canonical = next[length]
                next[length] += 1
                guard canonical < (1 << length) else { throw Failure(description: "over-subscribed Huffman code") }
                var reversed = 0
                for bit in 0..<length where canonical & (1 << bit) != 0 { reversed |= 1 << (length - 1 - bit) }
                let entry = UInt32(symbol) << 4 | UInt32(length)
                var index = reversed
                while index < table.count {
                    table[index] = entry
                    index += 1 << length
                }
            }
        }
    }

    private mutating func decode(_ huffman: Huffman) throws -> Int {
        // Refill; past the end of input pad with zero bits and remember how many were invented.
        while bitCount < huffman.maxLength {
            if position < input.count {
                bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
                position += 1
            } else {
                padding += 8
            }
            bitCount += 8
        }
        let entry = huffman.table[Int(bitBuffer & ((1 << UInt64(huffman.maxLength)) - 1))]
        let length = Int(entry & 15)
        guard length > 0, length <= bitCount - padding else { throw Failure(description: "invalid or truncated Huffman code in deflate stream") }
        bitBuffer >>= UInt64(length)
        bitCount -= length
        return Int(entry >> 4)
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    private mutating func inflate() throws {
        var last = 0
        repeat {
            last = try bits(1)
            switch try bits(2) {
            case 0: try storedBlock()
            case 1:
                let lengths = [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112)
                    + [Int](repeating: 7, count: 24) + [Int](repeating: 8, count: 8)
                try codes(literal: Huffman(lengths: lengths), distance: Huffman(lengths: [Int](repeating: 5, count: 30)))
            case 2: try dynamicBlock()
            default: throw Failure(description: "invalid deflate block type")
            }
        } while last == 0
    }

    private mutating func storedBlock() throws {
        alignToByte()
        let length = Int(try byte()) | Int(try byte()) << 8
        let complement = Int(try byte()) | Int(try byte()) << 8
        guard length == (~complement & 0xffff), position + length <= input.count else {
            throw Failure(description: "corrupt stored deflate block")
        }
        output.append(contentsOf: input[position..<(position + length)])
        position += length
    }

    private mutating func dynamicBlock() throws {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeCount = try bits(4) + 4
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengths = [Int](repeating: 0, count: 19)
        for i in 0..<codeCount { codeLengths[order[i]] = try bits(3) }
        let lengthTable = try Huffman(lengths: codeLengths)
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try decode(lengthTable)
            switch symbol {
            case 0..<16: lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw Failure(description: "repeat with no previous length") }
                lengths += [Int](repeating: previous, count: 3 + (try bits(2)))
            case 17: lengths += [Int](repeating: 0, count: 3 + (try bits(3)))
            default: lengths += [Int](repeating: 0, count: 11 + (try bits(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw Failure(description: "too many code lengths") }
        try codes(literal: Huffman(lengths: Array(lengths[0..<literalCount])),
                  distance: Huffman(lengths: Array(lengths[literalCount...])))
    }

    private mutating func codes(literal: Huffman, distance: Huffman) throws {
        while true {
            let symbol = try decode(literal)
            if symbol < 256 {
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let index = symbol - 257
                guard index < 29 else { throw Failure(description: "invalid length symbol") }
                let length = Self.lengthBase[index] + (try bits(Self.lengthExtra[index]))
                let distanceSymbol = try decode(distance)
                guard distanceSymbol < 30 else { throw Failure(description: "invalid distance symbol") }
                let back = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
                guard back <= output.count else { throw Failure(description: "distance too far back") }
                let start = output.count - back
                for i in 0..<length { output.append(output[start + i]) }
            }
        }
    }
}
