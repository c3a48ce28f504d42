package org.classchain.core.peer;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The MAC addresses of this computer's network cards, which its status names so that the
 * teacher's host can wake it when it is off (Wake-on-LAN, issue 19, item 9): the card of the
 * address it is reached by first, then the other cards that are up (loopback and virtual ones
 * left out), at most {@link #MAX}.
 */
final class MacAddresses {

    /** MAC addresses named at most (by this peer, and kept of another's say). */
    static final int MAX = 8;
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    private MacAddresses() {
    }

    /** The MAC addresses of this computer, the card serving {@code advertised} (a URL) first; none when unknown. */
    static List<String> ofThisComputer(String advertised) {
        List<String> out = new ArrayList<>();
        try {
            String host = advertised == null ? null : URI.create(advertised).getHost();
            if (host != null && !host.isBlank()) {
                NetworkInterface own = NetworkInterface.getByInetAddress(InetAddress.getByName(host));
                add(out, own);
            }
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && !nif.isLoopback() && !nif.isVirtual()) {
                    add(out, nif);
                }
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            // a computer whose cards cannot be read names none
        }
        return out.stream().distinct().limit(MAX).toList();
    }

    private static void add(List<String> out, NetworkInterface nif) throws SocketException {
        byte[] hw = nif == null ? null : nif.getHardwareAddress();
        if (hw != null && hw.length == 6 && !allZero(hw)) {
            String hex = HexFormat.of().formatHex(hw);
            out.add(String.join(":", hex.split("(?<=\\G..)")));
        }
    }

    private static boolean allZero(byte[] hw) {
        for (byte b : hw) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** What another peer's status says, kept: well-formed addresses only (lower case), at most {@link #MAX}. */
    static List<String> kept(List<String> said) {
        return said.stream().filter(m -> m != null && MAC.matcher(m).matches()).distinct().limit(MAX).toList();
    }
}
