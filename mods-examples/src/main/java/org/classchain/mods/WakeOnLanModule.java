package org.classchain.mods;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.classchain.Command;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;

/**
 * {@code wake-on-lan}: sends the Wake-on-LAN magic packet (6 bytes {@code FF}, then the MAC
 * address 16 times) for each MAC address given, by UDP broadcast from this computer, so that the
 * computers of the room that are on wake those that are off on the same network. Sent to every
 * student, every computer that runs it sends the packets: one awake computer on a network is
 * enough. The packets are sent three times each (UDP may drop one).
 */
public final class WakeOnLanModule implements CommandModule {

    /** MAC addresses one command names at most. */
    static final int MAX_MACS = 500;
    /** How many times each packet is sent. */
    static final int REPEAT = 3;

    @Override
    public String name() {
        return "wake-on-lan";
    }

    @Override
    public String description() {
        return "Wake computers that are off (Wake-on-LAN), sent from the computers of the room that are on";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(
                ArgumentSpec.required("macs", ArgumentType.LIST,
                        "the MAC addresses to wake, separated by commas, e.g. 52:54:00:12:34:56"),
                ArgumentSpec.optional("address", ArgumentType.STRING, "255.255.255.255",
                        "where the packets go: the broadcast address of the network"),
                ArgumentSpec.optional("port", ArgumentType.INTEGER, "9", "the UDP port (9, or 7)"));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) throws IOException {
        List<byte[]> macs;
        int port;
        InetAddress to;
        try {
            macs = macs(argument(command, "macs"));
            port = (int) Arguments.integer("port", argument(command, "port"), 1, 65_535);
            to = address(argument(command, "address"));
        } catch (Arguments.Invalid e) {
            return Outcome.failed(e.getMessage());
        }
        List<String> sent = new ArrayList<>();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setBroadcast(true);
            for (byte[] mac : macs) {
                byte[] packet = magicPacket(mac);
                for (int i = 0; i < REPEAT; i++) {
                    socket.send(new DatagramPacket(packet, packet.length, new InetSocketAddress(to, port)));
                }
                sent.add(format(mac));
            }
        }
        return Outcome.executed("sent the wake-up packet for " + String.join(", ", sent) + " to "
                + to.getHostAddress() + ":" + port);
    }

    /** The magic packet: {@code FF} six times, then the 6-byte MAC address sixteen times. */
    static byte[] magicPacket(byte[] mac) {
        byte[] p = new byte[6 + 16 * 6];
        for (int i = 0; i < 6; i++) {
            p[i] = (byte) 0xFF;
        }
        for (int i = 0; i < 16; i++) {
            System.arraycopy(mac, 0, p, 6 + i * 6, 6);
        }
        return p;
    }

    /** Parses {@code 52:54:00:12:34:56}, {@code 52-54-00-12-34-56} or {@code 525400123456}, comma-separated. */
    static List<byte[]> macs(String list) throws Arguments.Invalid {
        Set<String> seen = new LinkedHashSet<>();
        List<byte[]> out = new ArrayList<>();
        for (String raw : list.split(",")) {
            String s = raw.strip();
            if (s.isEmpty()) {
                continue;
            }
            String hex = s.replace(":", "").replace("-", "").toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{12}") || !s.matches("[0-9A-Fa-f]{12}|([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}")) {
                throw new Arguments.Invalid("'" + s + "' is not a MAC address (e.g. 52:54:00:12:34:56)");
            }
            if (seen.add(hex)) {
                out.add(HexFormat.of().parseHex(hex));
            }
        }
        if (out.isEmpty()) {
            throw new Arguments.Invalid("argument 'macs' names no MAC address");
        }
        if (out.size() > MAX_MACS) {
            throw new Arguments.Invalid("argument 'macs' names " + out.size() + " addresses; at most " + MAX_MACS);
        }
        return out;
    }

    /** A numeric IPv4 or IPv6 address (no name is looked up). */
    private static InetAddress address(String text) throws Arguments.Invalid {
        String s = text.strip();
        if (!s.matches("[0-9.]{7,15}|[0-9A-Fa-f:]{2,39}")) {
            throw new Arguments.Invalid("argument 'address' must be a numeric IP address, not '" + s + "'");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new Arguments.Invalid("argument 'address' must be a numeric IP address, not '" + s + "'");
        }
    }

    private static String format(byte[] mac) {
        List<String> parts = new ArrayList<>();
        for (byte b : mac) {
            parts.add(String.format("%02x", b & 0xFF));
        }
        return String.join(":", parts);
    }
}
