/// PNG row filters (ISO 15948 §9) applied to 8-bit rows; each output row is the filter-type byte followed
/// by the filtered bytes. Raw pointers, no allocation.
enum PNGRowFilter {
    static func filter(rows: Range<Int>, source: UnsafePointer<UInt8>, rowBytes: Int, bytesPerPixel: Int,
                       type: PNGEncoder.Filter, into output: UnsafeMutablePointer<UInt8>) {
        for (index, row) in rows.enumerated() {
            let current = source + row * rowBytes
            let previous: UnsafePointer<UInt8>? = row > 0 ? source + (row - 1) * rowBytes : nil
            let target = output + index * (rowBytes + 1)
            let body = target + 1
            switch type {
            case .none, .adaptive:
                target[0] = 0
                body.update(from: current, count: rowBytes)
            case .sub:
                target[0] = 1
                for x in 0..<min(bytesPerPixel, rowBytes) { body[x] = current[x] }
                var x = bytesPerPixel
                while x < rowBytes { body[x] = current[x] &- current[x - bytesPerPixel]; x += 1 }
            case .up:
                target[0] = 2
                if let previous {
                    for x in 0..<rowBytes { body[x] = current[x] &- previous[x] }
                } else {
                    body.update(from: current, count: rowBytes)
                }
            case .average:
                target[0] = 3
                for x in 0..<rowBytes {
                    let left = x >= bytesPerPixel ? Int(current[x - bytesPerPixel]) : 0
                    let up = previous.map { Int($0[x]) } ?? 0
                    body[x] = current[x] &- UInt8((left + up) >> 1)
                }
            case .paeth:
                target[0] = 4
                for x in 0..<rowBytes {
                    let left = x >= bytesPerPixel ? Int(current[x - bytesPerPixel]) : 0
                    let up = previous.map { Int($0[x]) } ?? 0
                    let upLeft = (x >= bytesPerPixel ? previous.map { Int($0[x - bytesPerPixel]) } : nil) ?? 0
                    body[x] = current[x] &- UInt8(paeth(left, up, upLeft))
                }
            }
        }
    }

    @inline(__always)
    static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }
}
