package org.classchain.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.classchain.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {

    @TempDir
    Path dir;

    /** Fast PBKDF2 for tests; production refuses fewer than 100,000. */
    static final PasswordPolicy FAST = new PasswordPolicy(1_000, 1_000);

    final SecureRandom random = new SecureRandom();

    @Test
    void credentialsSurviveReopenInAnOwnerOnlyFile() throws IOException {
        CredentialStore store = CredentialStore.open(dir, FAST, random);
        StoredCredential teacher = store.create("teacher", "s3cret pass", Role.TEACHER);
        StoredCredential sam = store.create("sam", "other", Role.STUDENT);

        Path file = dir.resolve(CredentialStore.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(dir.resolve(CredentialStore.FILE_NAME + ".tmp")).doesNotExist();

        CredentialStore reopened = CredentialStore.open(dir, FAST, random);
        assertThat(reopened.usernames()).containsExactly("sam", "teacher");
        assertThat(reopened.find("teacher")).contains(teacher);
        assertThat(reopened.find("sam")).contains(sam);
        assertThat(reopened.find("nobody")).isEmpty();
    }

    @Test
    void theFileHoldsTheVerifierButNoPasswordOrHardenedPassword() throws IOException {
        CredentialStore store = CredentialStore.open(dir, FAST, random);
        StoredCredential c = store.create("teacher", "s3cret pass", Role.TEACHER);
        String content = Files.readString(dir.resolve(CredentialStore.FILE_NAME), StandardCharsets.UTF_8);
        byte[] hardened = PasswordHardening.harden("s3cret pass", c.salt(), c.iterations());

        assertThat(content).contains(HexFormat.of().formatHex(c.verifier()));
        assertThat(content).doesNotContain("s3cret").doesNotContain(HexFormat.of().formatHex(hardened));
        assertThat(c.toString()).doesNotContain(HexFormat.of().formatHex(c.verifier()))
                .doesNotContain(HexFormat.of().formatHex(c.salt()));
        assertThat(store.toString()).doesNotContain("s3cret");
    }

    @Test
    void anExistingUsernameIsRefused() throws IOException {
        CredentialStore store = CredentialStore.open(dir, FAST, random);
        StoredCredential first = store.create("teacher", "one", Role.TEACHER);
        assertThatThrownBy(() -> store.create("teacher", "two", Role.STUDENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already exists");
        assertThat(store.find("teacher")).contains(first);
        assertThat(CredentialStore.open(dir, FAST, random).find("teacher")).contains(first);
    }

    @Test
    void badUsernamesAndEmptyPasswordsAreRefused() throws IOException {
        CredentialStore store = CredentialStore.open(dir, FAST, random);
        assertThatThrownBy(() -> store.create("no spaces", "pw", Role.STUDENT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create("empty", "", Role.STUDENT)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.usernames()).isEmpty();
    }

    @Test
    void putStoresABackupFromAnotherHost() throws IOException {
        StoredCredential made = Verifiers.create("teacher", "pw", Role.TEACHER, new PasswordPolicy(2_000, 1), random);
        CredentialStore store = CredentialStore.open(dir, FAST, random);
        store.put(made);
        assertThat(CredentialStore.open(dir, FAST, random).find("teacher")).contains(made);
    }

    @Test
    void aDamagedFileIsReportedNotIgnored() throws IOException {
        Files.writeString(dir.resolve(CredentialStore.FILE_NAME), "{\"version\":1,\"accounts\":[{\"username\":\"x\"}]}");
        assertThatThrownBy(() -> CredentialStore.open(dir, FAST, random))
                .isInstanceOf(IOException.class).hasMessageContaining("damaged");
        Files.writeString(dir.resolve(CredentialStore.FILE_NAME), "{not json");
        assertThatThrownBy(() -> CredentialStore.open(dir, FAST, random))
                .isInstanceOf(IOException.class).hasMessageContaining("damaged");
    }

    @Test
    void aFileReadableByOthersIsMadeOwnerOnly() throws IOException {
        CredentialStore.open(dir, FAST, random).create("teacher", "pw", Role.TEACHER);
        Path file = dir.resolve(CredentialStore.FILE_NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(CredentialStore.open(dir, FAST, random).usernames()).containsExactly("teacher");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void productionDefaultsRefuseFewerThan100000Iterations() throws IOException {
        assertThat(PasswordPolicy.DEFAULT.iterations()).isEqualTo(120_000);
        assertThat(PasswordPolicy.DEFAULT.minimumIterations()).isEqualTo(100_000);
        assertThatThrownBy(() -> PasswordPolicy.withIterations(99_999)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minimum is 100000");
        assertThatThrownBy(() -> new PasswordPolicy(1_000, PasswordPolicy.MINIMUM_ITERATIONS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(PasswordPolicy.withIterations(100_000).iterations()).isEqualTo(100_000);

        CredentialStore store = CredentialStore.open(dir);
        assertThat(store.policy()).isEqualTo(PasswordPolicy.DEFAULT);
        assertThat(store.create("teacher", "pw", Role.TEACHER).iterations()).isEqualTo(120_000);
    }

    @Test
    void storedIterationCountsAreAcceptedWhateverTheyAre() throws IOException {
        StoredCredential weak = Verifiers.create("old", "pw", Role.STUDENT, new PasswordPolicy(10, 1), random);
        CredentialStore store = CredentialStore.open(dir);
        store.put(weak);
        assertThat(CredentialStore.open(dir).find("old").orElseThrow().iterations()).isEqualTo(10);
    }
}
