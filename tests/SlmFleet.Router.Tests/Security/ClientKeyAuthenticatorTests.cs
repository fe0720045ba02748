using SlmFleet.Router.Security;
using SlmFleet.Router.Tests.Infrastructure;

namespace SlmFleet.Router.Tests.Security;

/// <summary>Client-key rotation through a Secret volume, where the key file is a symlink the kubelet never touches.</summary>
[TestFixture]
public sealed class ClientKeyAuthenticatorTests
{
    [Test]
    public void Authenticate_SecretVolumeRenewed_NewKeyAcceptedOldRefusedAfterTheCheckInterval()
    {
        // Arrange
        using var volume = SecretVolume.Create(("keys", "sk-old-key-0000000000\n"));
        var clock = new ManualClock();
        var authenticator = new ClientKeyAuthenticator(volume.PathOf("keys"), clock);
        var before = authenticator.Authenticate("sk-old-key-0000000000");

        // Act: the kubelet swaps ..data; the link "keys" itself keeps its old write time.
        volume.Rotate(("keys", "sk-new-key-1111111111\n"));
        clock.Advance(TimeSpan.FromSeconds(6));
        var renewed = authenticator.Authenticate("sk-new-key-1111111111");
        var old = authenticator.Authenticate("sk-old-key-0000000000");

        // Assert
        before.Should().NotBeNull();
        renewed.Should().NotBeNull("the renewed Secret is read once the check interval has passed");
        old.Should().BeNull();
    }
}
