import Foundation

/// Wall-clock timing helpers for the bench.
enum Measure {
    /// Seconds taken by `body`.
    static func once(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// CPU seconds used by the calling thread so far (immune to other processes' load).
    static func threadCPU() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Runs `body` `runs` times (after 3 warm-up runs) and prints wall-clock p50/p99/max and the
    /// p50 of the thread's CPU time, in milliseconds. On a shared machine the wall-clock figures
    /// include waiting for a core; the CPU figure is what the query itself costs.
    static func report(_ label: String, runs: Int, _ body: () throws -> Void) {
        do {
            for _ in 0..<3 { try body() }
            var samples: [Double] = []
            var cpu: [Double] = []
            samples.reserveCapacity(runs)
            for _ in 0..<runs {
                let cpuStart = threadCPU()
                samples.append(try once(body) * 1000)
                cpu.append((threadCPU() - cpuStart) * 1000)
            }
            samples.sort()
            cpu.sort()
            let p50 = samples[samples.count / 2]
            let p99 = samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))]
            say(String(format: "%-44@ p50 %8.3f ms   p99 %8.3f ms   max %8.3f ms   cpu p50 %7.3f ms  (%d runs)",
                       label as NSString, p50, p99, samples.last ?? 0, cpu[cpu.count / 2], runs))
        } catch {
            say("\(label): FAILED: \(error)")
        }
    }
}

/// Writes a line to standard output at once (no buffering, so progress shows when redirected).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
