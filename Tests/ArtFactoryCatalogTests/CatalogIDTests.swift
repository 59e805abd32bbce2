import Testing
@testable import ArtFactoryCatalog

@Suite struct CatalogIDTests {
    @Test func idsHavePrefixLengthAndAlphabet() {
        let id = CatalogID.make(.generation)
        #expect(id.hasPrefix("gen_"))
        #expect(id.count == 30)
        #expect(CatalogID.isValid(id, kind: .generation))
        #expect(!CatalogID.isValid(id, kind: .asset))
        #expect(!CatalogID.isValid("gen_123", kind: .generation))
        #expect(!CatalogID.isValid("gen_" + String(repeating: "U", count: 26), kind: .generation))
    }

    @Test func idsSortByTimeAndAreMonotonicWithinOneMillisecond() {
        let early = CatalogID.make(.asset, millis: 1_000)
        let late = CatalogID.make(.asset, millis: 2_000)
        #expect(early < late)
        // A private generator state: other tests running in parallel share the global one.
        let state = CatalogID.MonotonicState()
        let same = (0..<1000).map { _ in CatalogID.make(.asset, millis: 5_000, state: state) }
        #expect(same.elementsEqual(same.sorted()))
        #expect(Set(same).count == same.count)
        #expect(same.allSatisfy { CatalogID.timestamp(of: $0) == 5_000 })
    }

    @Test func timestampRoundTrips() {
        let millis: Int64 = 1_763_000_000_123
        #expect(CatalogID.timestamp(of: CatalogID.make(.job, millis: millis)) == millis)
        #expect(CatalogID.timestamp(of: "junk") == nil)
    }
}

@Suite struct SearchQueryTests {
    @Test func wordsAreQuotedSoSyntaxCannotLeakIntoFTS() throws {
        #expect(try SearchQuery("red fox").matchExpression == "\"red\" \"fox\"")
        #expect(try SearchQuery("a\"b OR NEAR(x)").matchExpression == "\"a\"\"b\" \"OR\" \"NEAR(x)\"")
        #expect(try SearchQuery("cat*").matchExpression == "\"cat\" *")
    }

    @Test func queryWithoutWordsIsRejected() {
        #expect(catalogError { _ = try SearchQuery("  ** -- ") }?.code == .invalidArgument)
        #expect(catalogError { _ = try SearchQuery("") }?.code == .invalidArgument)
    }
}

@Suite struct CatalogJSONTests {
    @Test func numbersCompareByValueAcrossTextRoundTrip() throws {
        let value = CatalogJSON.object(["cfg": .double(7), "scale": .double(1.5), "seed": .int(9_007_199_254_740_993)])
        let back = try CatalogJSON.parse(value.jsonText)
        #expect(back == value)
        #expect(Set([CatalogJSON.int(2), .double(2)]).count == 1)
        #expect(CatalogJSON.int(2) != .double(2.5))
        #expect(catalogError { _ = try CatalogJSON.parse("{nope") }?.code == .invalidArgument)
    }
}
