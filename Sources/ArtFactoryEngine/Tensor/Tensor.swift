import CEngineKernels

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
        _ = EngineAllocator.tuned
        self.shape = shape
        self.data = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// Number of values.
    public var count: Int { data.count }
}

/// glibc's malloc serves requests above a dynamic threshold (128 KiB to start) with fresh mmap'd pages
/// and gives freed heap back early, so every layer's new activation faulted in and zeroed its pages
/// again (~5 % of a UNet forward). Raising the mmap threshold to its 32 MiB maximum and keeping up to
/// 256 MiB of freed heap lets activations reuse memory; larger buffers are chunked by their kernels.
enum EngineAllocator {
    static let tuned: Void = afk_tune_allocator(32 << 20, 256 << 20)
}
