import Foundation

/// Separable image resizing (horizontal pass, then vertical) with precomputed weights.
///
/// RGBA is resized with premultiplied alpha so transparent pixels do not bleed dark fringes. Large
/// images are split into row bands processed on all cores (`DispatchQueue.concurrentPerform`).
/// Thread-safe value type.
public struct Resampler: Sendable {
    /// The kernel.
    public var filter: ResizeFilter

    /// Creates a resampler.
    public init(filter: ResizeFilter = .lanczos3) {
        self.filter = filter
    }

    /// Resizes `buffer` to exactly `width` × `height`.
    /// - Throws: ``ImagingError`` `invalid_argument` for a size out of range.
    public func resize(_ buffer: PixelBuffer, width: Int, height: Int) throws -> PixelBuffer {
        try PixelBuffer.validate(width: width, height: height, channels: buffer.channels)
        if width == buffer.width && height == buffer.height { return buffer }
        let horizontal = ResampleWeights(filter: filter, inputCount: buffer.width, outputCount: width)
        let vertical = ResampleWeights(filter: filter, inputCount: buffer.height, outputCount: height)
        let channels = buffer.channels
        var intermediate = [Float](repeating: 0, count: buffer.height * width * channels)
        var output = [UInt8](repeating: 0, count: width * height * channels)
        buffer.bytes.withUnsafeBufferPointer { source in
            intermediate.withUnsafeMutableBufferPointer { middle in
                guard let sourceBase = source.baseAddress, let middleBase = middle.baseAddress else { return }
                let work = buffer.height * width * horizontal.taps
                let input = BandPointer(sourceBase), output = BandPointer(middleBase), sourceWidth = buffer.width
                Self.forEachBand(rows: buffer.height, work: work) { rows in
                    ResampleKernels.horizontal(source: input.pointer, sourceWidth: sourceWidth, channels: channels,
                                               target: output.pointer, weights: horizontal, rows: rows)
                }
            }
        }
        intermediate.withUnsafeBufferPointer { middle in
            output.withUnsafeMutableBufferPointer { target in
                guard let middleBase = middle.baseAddress, let targetBase = target.baseAddress else { return }
                let work = height * width * vertical.taps
                let input = BandPointer(middleBase), output = BandPointer(targetBase)
                Self.forEachBand(rows: height, work: work) { rows in
                    ResampleKernels.vertical(source: input.pointer, width: width, channels: channels,
                                             target: output.pointer, weights: vertical, rows: rows)
                }
            }
        }
        return PixelBuffer(uncheckedWidth: width, height: height, channels: channels, bytes: output)
    }

    /// Scales so the longer side is at most `maxSide`, keeping the aspect ratio; never enlarges.
    public func fit(_ buffer: PixelBuffer, maxSide: Int) throws -> PixelBuffer {
        guard maxSide >= 1 else { throw ImagingError(.invalidArgument, "maxSide must be at least 1, got \(maxSide)") }
        let longest = max(buffer.width, buffer.height)
        guard longest > maxSide else { return buffer }
        let scale = Double(maxSide) / Double(longest)
        let width = max(1, Int((Double(buffer.width) * scale).rounded()))
        let height = max(1, Int((Double(buffer.height) * scale).rounded()))
        return try resize(buffer, width: width, height: height)
    }

    /// Enlarges by an integer factor (2 or 4 for the High/Ultra presets).
    public func upscale(_ buffer: PixelBuffer, factor: Int) throws -> PixelBuffer {
        guard (1...8).contains(factor) else {
            throw ImagingError(.invalidArgument, "upscale factor must be 1...8, got \(factor)")
        }
        return try resize(buffer, width: buffer.width * factor, height: buffer.height * factor)
    }

    /// Runs `body` over row bands, in parallel when there is enough work to pay for it.
    static func forEachBand(rows: Int, work: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard cores > 1, work >= 2_000_000, rows >= 2 * cores else {
            body(0..<rows)
            return
        }
        let bands = min(rows, cores * 4)
        DispatchQueue.concurrentPerform(iterations: bands) { band in
            let start = rows * band / bands, end = rows * (band + 1) / bands
            if start < end { body(start..<end) }
        }
    }
}

/// Hands a buffer pointer to concurrent row-band workers. Safe because each band writes disjoint rows and
/// the buffer outlives `concurrentPerform`, which returns only when every band is done.
struct BandPointer<Pointer>: @unchecked Sendable {
    let pointer: Pointer
    init(_ pointer: Pointer) { self.pointer = pointer }
}
