package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.classchain.Role;
import org.junit.jupiter.api.Test;

/** What a room's advertisement carries, what a junk one becomes, and how a first join chooses. */
class RoomAdTest {

    private static RoomAd ad(String room, String chain, Role role, String node, int port) {
        return new RoomAd(room, chain, "00" + chain, role, node, "http://10.0.0." + port % 250 + ":" + port);
    }

    @Test
    void theTxtRecordRoundTripsAndJunkIsIgnored() {
        RoomAd a = ad("Room 101", "c1", Role.TEACHER, "n1", 8080);
        assertThat(RoomAd.fromText(a.text())).contains(a);
        for (String key : a.text().keySet()) {
            Map<String, String> missing = new HashMap<>(a.text());
            missing.remove(key);
            assertThat(RoomAd.fromText(missing)).as("without " + key).isEmpty();
        }
        Map<String, String> badRole = new HashMap<>(a.text());
        badRole.put("role", "ADMIN");
        assertThat(RoomAd.fromText(badRole)).isEmpty();
        Map<String, String> badAddress = new HashMap<>(a.text());
        badAddress.put("addr", "http://[not an address");
        assertThat(RoomAd.fromText(badAddress)).isEmpty();
        assertThat(a.isOf("  room 101 ")).isTrue();
        assertThat(a.hostAndPort()).isEqualTo("10.0.0.80:8080");
    }

    @Test
    void aFirstJoinTakesTheOnlyChainTeacherFirstAndRefusesToGuessBetweenTwo() {
        RoomAd teacher = ad("Room 101", "c1", Role.TEACHER, "n9", 8080);
        RoomAd alice = ad("Room 101", "c1", Role.STUDENT, "n1", 8081);
        RoomAd elsewhere = ad("Room 102", "c2", Role.TEACHER, "n5", 8082);
        assertThat(RoomChoice.choose("Room 101", List.of(elsewhere), null)).isEmpty();
        RoomChoice.Found found = RoomChoice.choose("Room 101", List.of(alice, elsewhere, teacher), null).orElseThrow();
        assertThat(found.chainId()).isEqualTo("c1");
        assertThat(found.addresses()).containsExactly(teacher.address(), alice.address());

        RoomAd rogue = ad("ROOM 101", "c3", Role.TEACHER, "n6", 8083);
        assertThatThrownBy(() -> RoomChoice.choose("Room 101", List.of(alice, teacher, rogue), null))
                .hasMessageContaining("2 chains are advertised as room 'Room 101'")
                .hasMessageContaining("chain c1 (teacher at 10.0.0.80:8080, 2 computers)")
                .hasMessageContaining("chain c3 (teacher at 10.0.0.83:8083, 1 computer)")
                .hasMessageContaining("set chain=ID");
        assertThat(RoomChoice.choose("Room 101", List.of(alice, teacher, rogue), "C1").orElseThrow().chainId())
                .isEqualTo("c1");
        assertThat(RoomChoice.choose("Room 101", List.of(alice, teacher, rogue), "00c3").orElseThrow().chainId())
                .isEqualTo("c3");
    }

    @Test
    void roomsListsEachRoomsChainTeacherAndComputersAndFlagsANameTwoChainsClaim() {
        String table = RoomsCommand.table(List.of(ad("Room 101", "c1", Role.TEACHER, "n9", 8080),
                ad("Room 101", "c1", Role.STUDENT, "n1", 8081), ad("room 101", "c3", Role.TEACHER, "n6", 8083),
                ad("Lab", "c2", Role.STUDENT, "n5", 8082)));
        assertThat(table.lines()).hasSize(5);
        assertThat(table.lines().skip(1).map(String::trim)).containsExactly(
                "Lab                  c2                 (not seen)               1",
                "Room 101             c1                 10.0.0.80:8080           2",
                "Room 101             c3                 10.0.0.83:8083           1",
                "warning: 2 chains are advertised as 'Room 101': a student may have started one; computers that never "
                        + "joined refuse to guess");
        assertThat(RoomsCommand.table(List.of())).isEmpty();
    }
}
