/// `provider.estimate`: what a remote generation would cost, and whether today's limits allow it.
public enum ProviderEstimate: RPCMethod {
    public static let method = "provider.estimate"
    public static let summary = "Estimate the cost of a remote generation or batch and check it against the daily limits."
    public static let details = "Costs are estimates from the curated model list or config.json (`costPerImage`); providers bill what they bill."
    public static let errors = [RPCErrorCode.invalidParams, RPCErrorCode.notFound]

    public struct Params: Codable, Sendable, Equatable {
        /// A remote model name (`fal:fal-ai/fast-sdxl`).
        public var model: String
        /// Images (default 4).
        public var count: Int?
        public init(model: String, count: Int? = nil) {
            self.model = model
            self.count = count
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var provider: String
        public var model: String
        public var count: Int
        /// Estimated US dollars per image and in total.
        public var costPerImage: Double
        public var estimatedCost: Double
        /// Today's usage (UTC) and limits.
        public var imagesToday: Int
        public var costToday: Double
        public var dailyImages: Int?
        public var dailyCost: Double?
        /// Whether the limits allow it now; if not, why.
        public var allowed: Bool
        public var reason: String?

        public init(provider: String, model: String, count: Int, costPerImage: Double, estimatedCost: Double, imagesToday: Int,
                    costToday: Double, dailyImages: Int?, dailyCost: Double?, allowed: Bool, reason: String?) {
            self.provider = provider
            self.model = model
            self.count = count
            self.costPerImage = costPerImage
            self.estimatedCost = estimatedCost
            self.imagesToday = imagesToday
            self.costToday = costToday
            self.dailyImages = dailyImages
            self.dailyCost = dailyCost
            self.allowed = allowed
            self.reason = reason
        }
    }

    public static let params: [Schema.Property] = [
        .init("model", .string("remote model, provider:model-id"), required: true),
        .init("count", .integer("images, default 4", minimum: 1, maximum: 100_000)),
    ]
    public static let result = Schema.object([
        .init("provider", .string(), required: true),
        .init("model", .string(), required: true),
        .init("count", .integer(minimum: 1), required: true),
        .init("costPerImage", .number("US dollars, estimated", minimum: 0), required: true),
        .init("estimatedCost", .number("US dollars, estimated", minimum: 0), required: true),
        .init("imagesToday", .integer(minimum: 0), required: true),
        .init("costToday", .number(minimum: 0), required: true),
        .init("dailyImages", .integer(minimum: 0)),
        .init("dailyCost", .number(minimum: 0)),
        .init("allowed", .boolean("within today's limits"), required: true),
        .init("reason", .string("why not")),
    ])
    public static let exampleParams = Params(model: "fal:fal-ai/fast-sdxl", count: 4)
    public static let exampleResult = Result(provider: "fal", model: "fal:fal-ai/fast-sdxl", count: 4, costPerImage: 0.003, estimatedCost: 0.012,
                                             imagesToday: 8, costToday: 0.024, dailyImages: 200, dailyCost: 5, allowed: true, reason: nil)
}
