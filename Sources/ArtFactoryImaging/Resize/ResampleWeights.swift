/// Precomputed taps for one axis: for each output index, the first input index and `taps` weights
/// (zero-padded), so the inner loops do no allocation and no kernel evaluation.
struct ResampleWeights {
    let inputCount: Int
    let outputCount: Int
    let taps: Int
    let starts: [Int]
    let weights: [Float]

    init(filter: ResizeFilter, inputCount: Int, outputCount: Int) {
        let scale = Double(inputCount) / Double(outputCount)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let taps = max(1, Int((support * 2).rounded(.up)) + 1)
        var starts = [Int](repeating: 0, count: outputCount)
        var weights = [Float](repeating: 0, count: outputCount * taps)
        var scratch = [Double](repeating: 0, count: taps)
        for output in 0..<outputCount {
            let center = (Double(output) + 0.5) * scale
            var first = Int((center - support).rounded(.down))
            var last = Int((center + support).rounded(.up))
            first = max(first, 0)
            last = min(last, inputCount)
            if last - first > taps { last = first + taps }
            if last <= first { first = min(max(Int(center), 0), inputCount - 1); last = first + 1 }
            var total = 0.0
            for index in first..<last {
                let value = filter.weight((Double(index) + 0.5 - center) / filterScale)
                scratch[index - first] = value
                total += value
            }
            if total == 0 {
                // Degenerate (can only happen for tiny inputs): take the nearest pixel.
                for index in 0..<(last - first) { scratch[index] = 0 }
                scratch[min(max(Int(center) - first, 0), last - first - 1)] = 1
                total = 1
            }
            starts[output] = first
            for index in 0..<(last - first) {
                weights[output * taps + index] = Float(scratch[index] / total)
            }
        }
        self.inputCount = inputCount
        self.outputCount = outputCount
        self.taps = taps
        self.starts = starts
        self.weights = weights
    }
}
