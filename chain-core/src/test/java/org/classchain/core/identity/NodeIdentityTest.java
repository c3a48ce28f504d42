package org.classchain.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

    /** RFC 8032 section 7.1, tests 1 and 2: a signature is the standard's bytes, not merely one that verifies. */
    @Test
    void signaturesAreTheStandardsBytes() {
        HexFormat hex = HexFormat.of();
        NodeIdentity one = NodeIdentity.fromPrivateKey(hex.parseHex(
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assertThat(hex.formatHex(one.publicKey().publicKey()))
                .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assertThat(hex.formatHex(one.sign(new byte[0]))).isEqualTo("e5564300c360ac729086e2cc806e828a"
                + "84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        NodeIdentity two = NodeIdentity.fromPrivateKey(hex.parseHex(
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
        assertThat(hex.formatHex(two.sign(new byte[] {0x72}))).isEqualTo("92a009a9f0d4cab8720e820b5f642540"
                + "a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    }

    @TempDir
    Path dir;

    @Test
    void theKeyIsStoredOwnerOnlyAndReloadsToTheSameNode() throws Exception {
        NodeIdentity first = NodeIdentity.loadOrCreate(dir, new SecureRandom());
        Path file = dir.resolve(NodeIdentity.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        NodeIdentity again = NodeIdentity.loadOrCreate(dir, new SecureRandom());
        assertThat(again.nodeId()).isEqualTo(first.nodeId()).hasSize(20);
        assertThat(again.publicKey()).isEqualTo(first.publicKey());
        byte[] message = "grant".getBytes();
        assertThat(Ed25519Signatures.verify(first.publicKey(), message, again.sign(message))).isTrue();
        assertThat(Ed25519Signatures.verify(first.publicKey(), "other".getBytes(), again.sign(message))).isFalse();
    }

    @Test
    void aDamagedKeyFileIsReportedNotReplaced() throws Exception {
        Files.writeString(dir.resolve(NodeIdentity.FILE_NAME), "not hex");
        assertThatThrownBy(() -> NodeIdentity.loadOrCreate(dir, new SecureRandom()))
                .hasMessageContaining("damaged").hasMessageContaining(NodeIdentity.FILE_NAME);
        assertThat(Files.readString(dir.resolve(NodeIdentity.FILE_NAME))).isEqualTo("not hex");
    }
}
