package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerSettingsTest {

    @TempDir
    Path dir;

    @Test
    void theFilesPolicyAppliesUnlessTheCommandLineGivesOne() throws Exception {
        Files.writeString(dir.resolve(PeerSettings.FILE_NAME), "deny=close-apps, open-url\ninbox=/srv/inbox\n");
        PeerSettings s = PeerSettings.read(dir);
        assertThat(s.policy(null, null).permits("close-apps")).isFalse();
        assertThat(s.policy(null, null).permits("open-url")).isFalse();
        assertThat(s.policy(null, null).permits("message")).isTrue();
        assertThat(s.policy(null, List.of("message")).permits("close-apps")).isFalse();
        assertThat(s.policy(null, List.of("message")).permits("blackout")).isFalse();
        assertThat(s.policy(List.of("blackout"), null).permits("close-apps")).isTrue();
        assertThat(s.path("inbox", null, null)).isEqualTo(Path.of("/srv/inbox"));
        assertThat(s.path("mods-dir", null, dir.resolve("mods"))).isEqualTo(dir.resolve("mods"));
    }

    @Test
    void mistakesInTheFileNameTheFileAndTheSetting() throws Exception {
        Files.writeString(dir.resolve(PeerSettings.FILE_NAME), "denny=close-apps\n");
        assertThatThrownBy(() -> PeerSettings.read(dir)).hasMessageContaining("peer.properties")
                .hasMessageContaining("unknown setting 'denny'");
        Files.writeString(dir.resolve(PeerSettings.FILE_NAME), "deny=a\nallow=b\n");
        assertThatThrownBy(() -> PeerSettings.read(dir).policy(null, null)).hasMessageContaining("peer.properties");
        assertThat(PeerSettings.read(dir.resolve("absent")).policy(null, null).permits("anything")).isTrue();
    }

    @Test
    void theRoomsNameComesFromTheFileUnlessTheCommandLineGivesOne() throws Exception {
        assertThat(PeerSettings.read(dir).room(null)).isNull();
        Files.writeString(dir.resolve(PeerSettings.FILE_NAME), "room=  Room 101 \nchain=1a2b3c\n");
        PeerSettings s = PeerSettings.read(dir);
        assertThat(s.room(null)).isEqualTo("Room 101");
        assertThat(s.room("Lab 2")).isEqualTo("Lab 2");
        assertThat(s.chain(null)).isEqualTo("1a2b3c");
    }
}
