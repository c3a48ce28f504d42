package org.classchain.samples;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code classchain rooms}: the rooms whose peers are advertised on the LAN. */
@Command(name = "rooms", mixinStandardHelpOptions = true,
        description = "List the rooms seen on the LAN (DNS-SD): each room's chain, its teacher's host and how many "
                + "computers advertise it. A name with two chains is flagged: students refuse to guess between them.")
final class RoomsCommand implements Callable<Integer> {

    @Option(names = "--host", description = "the address whose network is listened on (default: this machine's LAN "
            + "address)")
    String host;

    @Option(names = "--wait", defaultValue = "3s", converter = Durations.class,
            description = "how long to listen (default ${DEFAULT-VALUE})")
    Duration wait;

    @Override
    public Integer call() throws Exception {
        String address = host == null ? PeerCommand.lanAddress() : host;
        List<RoomAd> seen;
        try (MdnsRoomDirectory rooms = MdnsRoomDirectory.open(InetAddress.getByName(address),
                "classchain-rooms-" + Integer.toHexString(new SecureRandom().nextInt()))) {
            Thread.sleep(wait.toMillis()); // the answers to the query sent at the start
            rooms.refresh();
            seen = rooms.seen();
        }
        System.out.print(table(seen));
        if (seen.isEmpty()) {
            System.out.println("no room seen from " + address + " within " + wait.toSeconds() + " s");
        }
        return 0;
    }

    /** One line per room and chain, and a warning under a name two chains claim. */
    static String table(List<RoomAd> seen) {
        Map<String, Map<String, List<RoomAd>>> byRoom = seen.stream().collect(Collectors.groupingBy(
                a -> a.room().trim(), () -> new TreeMap<>(String.CASE_INSENSITIVE_ORDER),
                Collectors.groupingBy(RoomAd::genesis, TreeMap::new, Collectors.toList())));
        if (byRoom.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(String.format("%-20s %-18s %-24s %s%n", "ROOM", "CHAIN", "TEACHER",
                "COMPUTERS"));
        byRoom.forEach((room, chains) -> {
            chains.values().forEach(members -> out.append(String.format("%-20s %-18s %-24s %d%n", room,
                    members.get(0).chainId(), members.stream().filter(a -> a.role() == org.classchain.Role.TEACHER)
                            .map(RoomAd::hostAndPort).findFirst().orElse("(not seen)"),
                    members.stream().map(RoomAd::nodeId).distinct().count())));
            if (chains.size() > 1) {
                out.append("  warning: ").append(chains.size()).append(" chains are advertised as '").append(room)
                        .append("': a student may have started one; computers that never joined refuse to guess\n");
            }
        });
        return out.toString();
    }
}
