/// The cartesian product of up to three parameter axes, for X/Y/Z plots and structured batches.
///
/// Axis 0 is X (columns), axis 1 is Y (rows), axis 2 is Z (one sheet per value). Cells are ordered
/// with X varying fastest, then Y, then Z, so cell `i` sits at column `i % nx`, row `(i / nx) % ny`,
/// sheet `i / (nx * ny)`: the order a contact sheet is filled in.
///
/// ```swift
/// let sweep = try ParameterSweep(axes: [SweepAxis("steps", values: [20, 30]),
///                                       SweepAxis("guidance", values: [5, 7.5, 10])])
/// sweep.count          // 6
/// sweep.cells[1].label // "steps: 30, guidance: 5"
/// ```
public struct ParameterSweep: Sendable, Equatable, Codable {
    /// Most images one sweep may produce (the product's batch limit).
    public static let maximumCount = 500
    /// Most axes (X, Y, Z).
    public static let maximumAxes = 3

    /// The axes: X, then Y, then Z.
    public let axes: [SweepAxis]
    /// Number of cells (product of the axis sizes).
    public let count: Int

    /// Validates and creates a sweep.
    /// - Parameters:
    ///   - axes: 1 to 3 axes with distinct names, each with distinct values.
    ///   - limit: the most cells allowed, at most ``maximumCount``.
    /// - Throws: ``PromptError`` `prompt.invalid_sweep` for malformed axes, `prompt.sweep_too_large` when
    ///   the product exceeds `limit`.
    public init(axes: [SweepAxis], limit: Int = ParameterSweep.maximumCount) throws {
        guard (1...Self.maximumAxes).contains(axes.count) else {
            throw PromptError(code: .invalidSweep,
                              message: "A sweep needs 1 to \(Self.maximumAxes) axes (X, Y, Z); got \(axes.count).")
        }
        guard (1...Self.maximumCount).contains(limit) else {
            throw PromptError(code: .invalidSweep, message: "The sweep limit must be 1 to \(Self.maximumCount); got \(limit).")
        }
        var names = Set<String>()
        var product = 1
        for axis in axes {
            try axis.validate()
            guard names.insert(axis.name).inserted else {
                throw PromptError(code: .invalidSweep,
                                  message: "Parameter '\(axis.name)' is swept on two axes; merge them into one.")
            }
            let (next, overflow) = product.multipliedReportingOverflow(by: axis.values.count)
            product = overflow ? Int.max : next
        }
        guard product <= limit else {
            let sizes = axes.map { "\($0.values.count) \($0.name)" }.joined(separator: " × ")
            throw PromptError(code: .sweepTooLarge,
                              message: "This sweep makes \(sizes) = \(product) images; the limit is \(limit). "
                                  + "Remove values from an axis.")
        }
        self.axes = axes
        self.count = product
    }

    private enum CodingKeys: String, CodingKey {
        case axes
    }

    /// Decodes the axes and validates them like ``init(axes:limit:)`` (with the default limit).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(axes: container.decode([SweepAxis].self, forKey: .axes))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(axes, forKey: .axes)
    }

    /// Where a cell sits on the contact sheet.
    public struct Position: Sendable, Equatable, Codable {
        /// Column (X value index).
        public var column: Int
        /// Row (Y value index, 0 without a Y axis).
        public var row: Int
        /// Sheet (Z value index, 0 without a Z axis).
        public var sheet: Int
    }

    /// The grid position of cell `index` (`0..<count`).
    public func position(of index: Int) -> Position {
        let coordinates = self.coordinates(of: index)
        return Position(column: coordinates[0], row: coordinates.count > 1 ? coordinates[1] : 0,
                        sheet: coordinates.count > 2 ? coordinates[2] : 0)
    }

    /// The value index on each axis for cell `index`.
    public func coordinates(of index: Int) -> [Int] {
        var rest = max(0, min(index, count - 1))
        return axes.map { axis in
            let coordinate = rest % axis.values.count
            rest /= axis.values.count
            return coordinate
        }
    }

    /// Cell `index`: its parameter values and label.
    /// - Throws: ``PromptError`` (`prompt.invalid_argument`) for an index outside `0..<count`.
    public func cell(at index: Int) throws -> SweepCell {
        guard (0..<count).contains(index) else {
            throw PromptError.invalidArgument("Sweep cell \(index) does not exist; cells are 0 to \(count - 1).")
        }
        let coordinates = self.coordinates(of: index)
        var values: [String: TemplateValue] = [:]
        var labels: [String] = []
        for (axis, coordinate) in zip(axes, coordinates) {
            values[axis.name] = axis.values[coordinate]
            labels.append(axis.label(at: coordinate))
        }
        return SweepCell(index: index, coordinates: coordinates, values: values, label: labels.joined(separator: ", "))
    }

    /// Every cell in order.
    public var cells: [SweepCell] {
        (0..<count).compactMap { try? cell(at: $0) }
    }

    /// Header labels: X for columns, Y for rows, Z for sheets (empty when the axis is absent).
    public var headers: SweepHeaders {
        SweepHeaders(x: axes[0].headerLabels,
                     y: axes.count > 1 ? axes[1].headerLabels : [],
                     z: axes.count > 2 ? axes[2].headerLabels : [])
    }
}

/// One cell of a sweep.
public struct SweepCell: Sendable, Equatable, Codable {
    /// Position in generation order.
    public var index: Int
    /// Value index on each axis.
    public var coordinates: [Int]
    /// Parameter values by axis name.
    public var values: [String: TemplateValue]
    /// `"steps: 30, guidance: 5"`.
    public var label: String
}

/// Labels for the plot's column (X), row (Y) and sheet (Z) headers.
public struct SweepHeaders: Sendable, Equatable, Codable {
    /// Column headers.
    public var x: [String]
    /// Row headers.
    public var y: [String]
    /// Sheet headers.
    public var z: [String]
}
