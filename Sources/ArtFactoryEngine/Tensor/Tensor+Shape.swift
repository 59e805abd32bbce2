/// Shape helpers used by the kernels and models.
extension Tensor {
    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// The same values viewed with another shape of equal element count.
    /// - Throws: `EngineError` (`input.invalid`) when the counts differ.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard newShape.reduce(1, *) == count else {
            throw EngineError.badInput("cannot view \(shape) as \(newShape)")
        }
        return Tensor(shape: newShape, data: data)
    }

    /// Largest absolute value (0 for an empty tensor); the "scale" tests compare against.
    public var maxAbs: Float {
        data.withUnsafeBufferPointer { p in
            var m: Float = 0
            for v in p where abs(v) > m { m = abs(v) }
            return m
        }
    }

    /// `max|self - other| / max|other|`: the relative error the reference tests bound.
    /// Returns infinity when the shapes differ.
    public func relativeError(to reference: Tensor) -> Float {
        guard shape == reference.shape else { return .infinity }
        var worst: Float = 0
        data.withUnsafeBufferPointer { a in
            reference.data.withUnsafeBufferPointer { b in
                for i in 0..<a.count { worst = max(worst, abs(a[i] - b[i])) }
            }
        }
        let scale = reference.maxAbs
        return scale > 0 ? worst / scale : worst
    }

    /// Rows `start..<start+length` of the outermost dimension.
    public func slice(batch start: Int, count length: Int) -> Tensor {
        let inner = shape.dropFirst().reduce(1, *)
        var newShape = shape
        newShape[0] = length
        return Tensor(shape: newShape, data: Array(data[(start * inner)..<((start + length) * inner)]))
    }

    /// Joins tensors along the outermost dimension; all must agree on the other dimensions.
    public static func concatenate(batch parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw EngineError.badInput("nothing to concatenate") }
        let inner = Array(first.shape.dropFirst())
        var data: [Float] = []
        var rows = 0
        for part in parts {
            guard Array(part.shape.dropFirst()) == inner else {
                throw EngineError.badInput("cannot concatenate \(part.shape) with \(first.shape)")
            }
            data += part.data
            rows += part.shape[0]
        }
        return Tensor(shape: [rows] + inner, data: data)
    }
}
