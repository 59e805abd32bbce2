/// A dense, row-major f32 tensor: the value every engine stage passes to the next.
///
/// Storage is a Swift array, so copies are cheap until written (copy-on-write). Shapes follow
/// PyTorch's conventions (`[batch, channels, height, width]` for images and latents,
/// `[batch, sequence, features]` for token embeddings) so that fixtures from diffusers compare directly.
public struct Tensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    public var shape: [Int]
    /// `shape.reduce(1, *)` values in row-major order.
    public var data: [Float]

    /// Wraps existing values. - Precondition: `data.count` equals the product of `shape`.
    public init(shape: [Int], data: [Float]) {
        precondition(data.count == shape.reduce(1, *), "Tensor: \(data.count) values do not fill shape \(shape)")
        self.shape = shape
        self.data = data
    }

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.shape = shape
        self.data = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// Number of values.
    public var count: Int { data.count }
}
