package org.classchain.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.classchain.core.auth.AuthFixture.ADDRESS;
import static org.classchain.core.auth.AuthFixture.TEACHER;
import static org.classchain.core.auth.AuthFixture.TEACHER_PASSWORD;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.classchain.wire.Message;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;
import org.classchain.wire.Message.AuthFinish;
import org.classchain.wire.Message.AuthStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No password, hardened password, verifier or session key shows in any toString or in the credential file. */
class SecretsTest {

    @TempDir
    Path dir;

    @Test
    void secretsAppearInNoToStringAndOnlyTheVerifierInTheFile() throws IOException {
        AuthFixture f = new AuthFixture(dir);
        List<Object> seen = new ArrayList<>();
        SrpClient client = f.client();
        seen.add(client);
        AuthStart start = client.start(TEACHER);
        seen.add(client);
        AuthChallenge challenge = (AuthChallenge) f.host.handle(start, ADDRESS);
        AuthFinish finish = client.respond(challenge, TEACHER_PASSWORD);
        seen.add(client);
        AuthConfirmed confirmed = (AuthConfirmed) f.host.handle(finish, ADDRESS);
        client.verifyServer(confirmed);
        var grantRequest = client.grantRequest(List.of(f.command(Duration.ofMinutes(5))), List.of());
        Message granted = f.host.handle(grantRequest, ADDRESS);
        var login = client.login("peer-1");
        Message ack = f.host.handle(login, ADDRESS);
        StoredCredential credential = f.store.find(TEACHER).orElseThrow();
        seen.addAll(List.of(start, challenge, finish, confirmed, grantRequest, granted, login, ack, client, f.host,
                f.store, credential, f.host.session(client.session()).orElseThrow(), f.signIns.get(0), f.identity,
                new AttemptLimiter(f.clock)));

        byte[] key = client.sessionKey();
        byte[] verifier = credential.verifier();
        byte[] hardened = PasswordHardening.harden(TEACHER_PASSWORD, credential.salt(), credential.iterations());
        List<String> secrets = new ArrayList<>(List.of(TEACHER_PASSWORD, "battery"));
        for (byte[] b : List.of(key, verifier, hardened)) {
            secrets.add(HexFormat.of().formatHex(b));
            secrets.add(HexFormat.of().withUpperCase().formatHex(b));
            secrets.add(Base64.getEncoder().encodeToString(b));
            secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
            secrets.add(new BigInteger(1, b).toString());
            secrets.add(new BigInteger(1, b).toString(16));
        }
        for (Object o : seen) {
            String text = o.toString();
            for (String secret : secrets) {
                assertThat(text).as("toString of %s", o.getClass().getSimpleName()).doesNotContain(secret);
            }
        }

        String file = Files.readString(dir.resolve(CredentialStore.FILE_NAME));
        assertThat(file).contains(HexFormat.of().formatHex(verifier));
        for (byte[] b : List.of(key, hardened)) {
            assertThat(file).doesNotContain(HexFormat.of().formatHex(b)).doesNotContain(Base64.getEncoder()
                    .encodeToString(b));
        }
        assertThat(file).doesNotContain(TEACHER_PASSWORD).doesNotContain("battery");
    }
}
