package org.classchain.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

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
