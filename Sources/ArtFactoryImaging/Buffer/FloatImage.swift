/// A planar float image as the engine uses it: `shape` is `[channels, height, width]` and values lie in
/// [-1, 1] (byte 0 → -1, byte 255 → 1). Kept free of the engine's own tensor type on purpose.
public struct FloatImage: Sendable, Equatable {
    /// `[channels, height, width]`.
    public let shape: [Int]
    /// `channels * height * width` values, channel-major (CHW).
    public var values: [Float]

    /// Wraps CHW values.
    /// - Throws: ``ImagingError`` `invalid_argument` when `shape` is not `[3|4, h, w]` or the count differs.
    public init(shape: [Int], values: [Float]) throws {
        guard shape.count == 3, shape[0] == 3 || shape[0] == 4 else {
            throw ImagingError(.invalidArgument, "shape must be [channels (3 or 4), height, width], got \(shape)")
        }
        try PixelBuffer.validate(width: shape[2], height: shape[1], channels: shape[0])
        guard values.count == shape[0] * shape[1] * shape[2] else {
            throw ImagingError(.invalidArgument, "shape \(shape) needs \(shape[0] * shape[1] * shape[2]) values, got \(values.count)")
        }
        self.shape = shape
        self.values = values
    }
}

extension FloatImage {
    init(checkedShape shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }
}
