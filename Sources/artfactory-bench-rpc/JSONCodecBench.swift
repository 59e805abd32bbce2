import ArtFactoryProtocol
import Foundation

/// The JSON half of an RPC round trip, on the daemon's own messages: parse the `daemon.status`
/// request and a `daemon.status` response as received, and write the response, with ArtFactoryJSON
/// (``JSONParser``/``JSONWriter``) and with Foundation's `JSONSerialization`. The figures back the
/// choice recorded in ArtFactoryJSON's opening comment (Sources/ArtFactoryJSON/JSONValue.swift).
enum JSONCodecBench {
    struct Figures {
        var ourMicros: Double
        var foundationMicros: Double
    }

    /// Microseconds per message (request parsed + response parsed + response written), median of 5 runs of `n`.
    static func run(request: [UInt8], response: [UInt8], n: Int) -> Figures {
        let requestData = Data(request), responseData = Data(response)
        func median(_ body: () -> Void) -> Double {
            var runs: [Double] = []
            for _ in 0..<5 {
                let t0 = BenchRPC.now()
                body()
                runs.append((BenchRPC.now() - t0) / Double(n) * 1e6)
            }
            return runs.sorted()[2]
        }
        var sink = 0
        let ours = median {
            let parser = JSONParser(maxDepth: 64)
            for _ in 0..<n {
                guard let req = try? parser.parse(request), let res = try? parser.parse(response) else { continue }
                sink &+= JSONWriter.bytes(res).count &+ (req["id"] == nil ? 0 : 1)
            }
        }
        let foundation = median {
            for _ in 0..<n {
                guard let req = try? JSONSerialization.jsonObject(with: requestData) as? [String: Any],
                      let res = try? JSONSerialization.jsonObject(with: responseData),
                      let out = try? JSONSerialization.data(withJSONObject: res, options: [.withoutEscapingSlashes]) else { continue }
                sink &+= out.count &+ (req["id"] == nil ? 0 : 1)
            }
        }
        if sink == 42 { print("") }   // keeps the loops from being optimised away
        return Figures(ourMicros: ours, foundationMicros: foundation)
    }
}
