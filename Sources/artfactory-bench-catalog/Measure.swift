import Foundation

/// Wall-clock timing helpers for the bench.
enum Measure {
    /// Seconds taken by `body`.
    static func once(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Runs `body` `runs` times (after 3 warm-up runs) and prints p50/p99/max in milliseconds.
    static func report(_ label: String, runs: Int, _ body: () throws -> Void) {
        do {
            for _ in 0..<3 { try body() }
            var samples: [Double] = []
            samples.reserveCapacity(runs)
            for _ in 0..<runs { samples.append(try once(body) * 1000) }
            samples.sort()
            let p50 = samples[samples.count / 2]
            let p99 = samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))]
            say(String(format: "%-44@ p50 %8.3f ms   p99 %8.3f ms   max %8.3f ms  (%d runs)",
                         label as NSString, p50, p99, samples.last ?? 0, runs))
        } catch {
            say("\(label): FAILED: \(error)")
        }
    }
}

/// Writes a line to standard output at once (no buffering, so progress shows when redirected).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
