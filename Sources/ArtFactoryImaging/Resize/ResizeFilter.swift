import Foundation

/// Reconstruction kernels for ``Resampler``. When downscaling, every kernel is stretched by the scale
/// factor, so each output pixel averages all the input pixels it covers (no aliasing).
public enum ResizeFilter: String, Sendable, CaseIterable, Codable {
    /// Box (area average): fastest; exact for integer factors.
    case box
    /// Triangle (bilinear, area-weighted when reducing).
    case triangle
    /// Catmull-Rom bicubic (a = -0.5): sharp, mild ringing.
    case bicubic
    /// Lanczos, three lobes: sharpest, the usual choice for photos.
    case lanczos3

    /// Half-width of the kernel in source pixels at scale 1.
    public var support: Double {
        switch self {
        case .box: return 0.5
        case .triangle: return 1
        case .bicubic: return 2
        case .lanczos3: return 3
        }
    }

    /// Kernel value at distance `x` (in source pixels at scale 1).
    public func weight(_ x: Double) -> Double {
        let distance = abs(x)
        switch self {
        case .box:
            return distance < 0.5 ? 1 : (distance == 0.5 ? 0.5 : 0)
        case .triangle:
            return distance < 1 ? 1 - distance : 0
        case .bicubic:
            let a = -0.5
            if distance < 1 { return ((a + 2) * distance - (a + 3)) * distance * distance + 1 }
            if distance < 2 { return (((distance - 5) * distance + 8) * distance - 4) * a }
            return 0
        case .lanczos3:
            if distance < 1e-9 { return 1 }
            if distance >= 3 { return 0 }
            let pix = Double.pi * distance
            return 3 * sin(pix) * sin(pix / 3) / (pix * pix)
        }
    }
}
