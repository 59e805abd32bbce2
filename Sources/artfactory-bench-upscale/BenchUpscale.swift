// The upscaler benchmark driven by Scripts/bench-upscale: builds a real-size ESRGAN-family network with
// random weights (nothing is downloaded), runs it on a random image and prints one JSON line with the
// seconds per run, the output's size and the process's peak RSS.
//   artfactory-bench-upscale rrdb|compact SIZE [--tiled] [--runs N]
// rrdb = RRDBNet x4 (64 features, 23 RRDBs, growth 32: Real-ESRGAN x4plus); compact = SRVGGNetCompact x4
// (64 features, 32 convolutions, PReLU: realesr-general-x4v3). Untiled runs do the same work as torch;
// --tiled runs the production path (Upscaler.recommendedTiling, as the daemon uses it).
import ArtFactoryEngine
import Foundation

struct Generator {
    var state: UInt64
    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
    }
    mutating func tensor(_ shape: [Int], scale: Float) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in next() * scale })
    }
}

func randomWeights(_ architecture: String) -> [String: Tensor] {
    var g = Generator(state: 17)
    var tensors: [String: Tensor] = [:]
    func conv(_ name: String, _ cin: Int, _ cout: Int) {
        tensors["\(name).weight"] = g.tensor([cout, cin, 3, 3], scale: (3 / Float(cin * 9)).squareRoot())
        tensors["\(name).bias"] = g.tensor([cout], scale: 0.01)
    }
    if architecture == "rrdb" {
        let (f, gc) = (64, 32)
        conv("conv_first", 3, f)
        for b in 0..<23 { for d in 1...3 { for c in 1...5 { conv("body.\(b).rdb\(d).conv\(c)", f + (c - 1) * gc, c == 5 ? f : gc) } } }
        for name in ["conv_body", "conv_up1", "conv_up2", "conv_hr"] { conv(name, f, f) }
        conv("conv_last", f, 3)
    } else {
        let f = 64
        conv("body.0", 3, f)
        for i in 0...32 {
            tensors["body.\(2 * i + 1).weight"] = Tensor(shape: [f], data: (0..<f).map { _ in 0.25 + 0.05 * g.next() })
            conv("body.\(2 * i + 2)", f, i == 32 ? 48 : f)
        }
    }
    return tensors
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, ["rrdb", "compact"].contains(arguments[1]), let size = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: artfactory-bench-upscale rrdb|compact SIZE [--tiled] [--runs N]\n".utf8))
    exit(2)
}
let tiled = arguments.contains("--tiled")
let runs = arguments.firstIndex(of: "--runs").flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? 1
let upscaler = try Upscaler(weights: UpscalerWeights(path: "random-\(arguments[1])", tensors: randomWeights(arguments[1])))
var g = Generator(state: 99)
let input = Tensor(shape: [1, 3, size, size], data: (0..<(3 * size * size)).map { _ in (g.next() + 1) / 2 })
// Warm-up on a small image (allocator, OpenBLAS threads).
_ = try upscaler.forward(Tensor(shape: [1, 3, 32, 32], repeating: 0.5))
var seconds: [Double] = []
var outputShape: [Int] = []
for _ in 0..<runs {
    let start = Date()
    let out = tiled ? try upscaler.upscale(input, tiling: upscaler.recommendedTiling) : try upscaler.forward(input)
    seconds.append(Date().timeIntervalSince(start))
    outputShape = out.shape
}
var usage = rusage()
getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
let median = seconds.sorted()[seconds.count / 2]
print(#"{"side": "swift", "arch": "\#(arguments[1])", "size": \#(size), "tiled": \#(tiled), "seconds": \#(median), "output": \#(outputShape), "peakRSSMiB": \#(usage.ru_maxrss / 1024), "blasCore": "\#(BLAS.coreName)", "blasThreads": \#(BLAS.threadCount)}"#)
