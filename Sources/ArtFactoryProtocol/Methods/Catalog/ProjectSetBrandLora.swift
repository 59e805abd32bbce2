/// `project.setBrandLora`: the LoRA every generation in a project applies.
public enum ProjectSetBrandLora: RPCMethod {
    public static let method = "project.setBrandLora"
    public static let summary = "Set a project's brand LoRA and its weight; every generation in the project applies it unless the request sets useBrandLora false."
    public static let details = "The LoRA must exist in loras.list. Returns the project with `brandLora` set."

    public struct Params: Codable, Sendable, Equatable {
        /// Project id.
        public var id: String
        public var lora: String
        /// Default 1; negative allowed.
        public var weight: Double?
        public init(id: String, lora: String, weight: Double? = nil) {
            self.id = id
            self.lora = lora
            self.weight = weight
        }
    }

    public typealias Result = ProjectInfo

    public static let params: [Schema.Property] = [
        .init("id", .string("project id"), required: true),
        .init("lora", .string("LoRA name (loras.list)", maxLength: 200), required: true),
        .init("weight", .number("multiplier, default 1", minimum: LoRAWeight.range.lowerBound, maximum: LoRAWeight.range.upperBound)),
    ]
    public static let result = ProjectInfo.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(id: "prj_01J0000000000000000000000", lora: "brand", weight: 0.8)
    public static var exampleResult: ProjectInfo {
        var project = ProjectInfo.example
        project.brandLora = LoRAWeight(name: "brand", weight: 0.8)
        return project
    }
}

/// `project.clearBrandLora`: stop applying a brand LoRA in a project.
public enum ProjectClearBrandLora: RPCMethod {
    public static let method = "project.clearBrandLora"
    public static let summary = "Remove a project's brand LoRA."

    public struct Params: Codable, Sendable, Equatable {
        /// Project id.
        public var id: String
        public init(id: String) { self.id = id }
    }

    public typealias Result = ProjectInfo

    public static let params: [Schema.Property] = [.init("id", .string("project id"), required: true)]
    public static let result = ProjectInfo.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(id: "prj_01J0000000000000000000000")
    public static let exampleResult = ProjectInfo.example
}
