/// The ArtFactory release this build belongs to.
public enum ArtFactoryVersion {
    public static let string = "0.1.0"
}
