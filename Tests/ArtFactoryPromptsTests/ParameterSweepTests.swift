import Foundation
import Testing
@testable import ArtFactoryPrompts

@Suite struct ParameterSweepTests {
    @Test func productOrdersXFastest() throws {
        let sweep = try ParameterSweep(axes: [SweepAxis("steps", values: [20, 30]),
                                              SweepAxis("guidance", values: [5, 7.5, 10])])
        #expect(sweep.count == 6)
        let cells = sweep.cells
        #expect(cells.map(\.label) == [
            "steps: 20, guidance: 5", "steps: 30, guidance: 5", "steps: 20, guidance: 7.5",
            "steps: 30, guidance: 7.5", "steps: 20, guidance: 10", "steps: 30, guidance: 10",
        ])
        #expect(cells[3].values == ["steps": 30, "guidance": 7.5])
        #expect(cells[3].coordinates == [1, 1])
        #expect(sweep.position(of: 5) == ParameterSweep.Position(column: 1, row: 2, sheet: 0))
    }

    @Test func headersLabelColumnsRowsAndSheets() throws {
        let sweep = try ParameterSweep(axes: [
            SweepAxis("sampler", values: ["euler", "ddim"], labels: ["Euler", "DDIM"]),
            SweepAxis("seed", values: [1, 2, 3]),
            SweepAxis("steps", values: [10, 20]),
        ])
        #expect(sweep.count == 12)
        #expect(sweep.headers == SweepHeaders(x: ["Euler", "DDIM"], y: ["seed: 1", "seed: 2", "seed: 3"],
                                              z: ["steps: 10", "steps: 20"]))
        #expect(sweep.position(of: 7) == ParameterSweep.Position(column: 1, row: 0, sheet: 1))
        #expect(try sweep.cell(at: 11).label == "DDIM, seed: 3, steps: 20")
    }

    @Test func singleAxisSweepHasOneRow() throws {
        let sweep = try ParameterSweep(axes: [SweepAxis("seed", values: [1, 2, 3, 4])])
        #expect(sweep.headers.y.isEmpty && sweep.headers.z.isEmpty)
        #expect(sweep.position(of: 3) == ParameterSweep.Position(column: 3, row: 0, sheet: 0))
    }

    @Test func limitOf500IsEnforcedWithSizesInTheMessage() throws {
        let ok = try ParameterSweep(axes: [SweepAxis("seed", values: (1...25).map { .number(Double($0)) }),
                                           SweepAxis("steps", values: (1...20).map { .number(Double($0)) })])
        #expect(ok.count == 500)
        #expect { try ParameterSweep(axes: [SweepAxis("seed", values: (1...501).map { .number(Double($0)) })]) }
            throws: { error in
                guard let error = error as? PromptError else { return false }
                return error.code == .sweepTooLarge && error.message.contains("501 seed = 501")
            }
        #expect { try ParameterSweep(axes: [SweepAxis("a", values: [1, 2, 3]), SweepAxis("b", values: [1, 2])], limit: 5) }
            throws: { ($0 as? PromptError)?.code == .sweepTooLarge }
    }

    @Test func malformedAxesAreRejected() {
        func code(_ axes: [SweepAxis]) -> PromptError.Code? {
            do { _ = try ParameterSweep(axes: axes); return nil } catch { return (error as? PromptError)?.code }
        }
        #expect(code([]) == .invalidSweep)
        #expect(code([SweepAxis("steps", values: [])]) == .invalidSweep)
        #expect(code([SweepAxis("", values: [1])]) == .invalidSweep)
        #expect(code([SweepAxis("steps", values: [1]), SweepAxis("steps", values: [2])]) == .invalidSweep)
        #expect(code([SweepAxis("steps", values: [20, 20])]) == .invalidSweep)
        #expect(code([SweepAxis("steps", values: [1, 2], labels: ["one"])]) == .invalidSweep)
        #expect(code((1...4).map { SweepAxis("a\($0)", values: [1]) }) == .invalidSweep)
    }

    @Test func cellIndexOutOfRangeIsAnError() throws {
        let sweep = try ParameterSweep(axes: [SweepAxis("seed", values: [1, 2])])
        #expect { try sweep.cell(at: 2) } throws: { ($0 as? PromptError)?.code == .invalidArgument }
    }

    @Test func sweepRoundTripsThroughJSON() throws {
        let sweep = try ParameterSweep(axes: [SweepAxis("sampler", values: ["euler", "dpm++"])])
        #expect(try JSONDecoder().decode(ParameterSweep.self, from: JSONEncoder().encode(sweep)) == sweep)
    }

    @Test func decodingValidatesTheAxes() {
        let empty = Data(#"{"axes": [{"name": "steps", "values": []}]}"#.utf8)
        #expect { try JSONDecoder().decode(ParameterSweep.self, from: empty) } throws: {
            ($0 as? PromptError)?.code == .invalidSweep
        }
        let none = Data(#"{"axes": []}"#.utf8)
        #expect { try JSONDecoder().decode(ParameterSweep.self, from: none) } throws: {
            ($0 as? PromptError)?.code == .invalidSweep
        }
    }
}
