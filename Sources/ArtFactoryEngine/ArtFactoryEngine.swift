/// ArtFactoryEngine module. Real contents land with its issue.
public enum ArtFactoryEngineModule {}
