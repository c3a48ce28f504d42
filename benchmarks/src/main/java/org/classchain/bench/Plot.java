package org.classchain.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The scale simulation's plot, drawn with plain Java2D and written with ImageIO (no plotting
 * library): hops to reach every peer against N (log scale) beside the target
 * ceil(log8 N) + 3, and announcements sent per peer per block beside the neighbour count that
 * bounds them.
 */
final class Plot {

    private static final int W = 1000;
    private static final int H = 440;
    private static final Color MAX = new Color(0xC0392B);
    private static final Color MEAN = new Color(0x2471A3);
    private static final Color TARGET = new Color(0x7F8C8D);
    private static final Color SHORTEST = new Color(0x27AE60);

    private Plot() {
    }

    /**
     * Redraws the plot from the gossip rows a simulation left in a results file.
     *
     * <p>Usage: {@code Plot gossip.tsv gossip.png}.
     */
    public static void main(String[] args) throws IOException {
        List<GossipSimulation.Row> rows = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (!line.startsWith("#gossip\t| ")) {
                continue;
            }
            String[] c = line.substring(line.indexOf('|') + 1, line.lastIndexOf('|')).split("\\|");
            double[] v = java.util.Arrays.stream(c).map(x -> x.trim().replace(",", "")).mapToDouble(Double::parseDouble)
                    .toArray();
            rows.add(new GossipSimulation.Row((int) v[0], (int) v[1], (int) v[2], v[3], v[4], (int) v[5], v[6],
                    (int) v[7], (int) v[8], v[9], (int) v[10], v[11], v[12], v[13], (int) v[14], v[15]));
        }
        gossip(rows, Path.of(args[1]));
    }

    static void gossip(List<GossipSimulation.Row> rows, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        double maxN = Math.max(10_000, rows.stream().mapToInt(GossipSimulation.Row::n).max().orElse(10_000));
        double minN = Math.min(100, rows.stream().mapToInt(GossipSimulation.Row::n).min().orElse(100));

        double topHops = Math.max(10, rows.stream().mapToInt(GossipSimulation.Row::maxHops).max().orElse(0) + 1);
        Panel left = new Panel(g, 70, 50, 400, 320, minN, maxN, 0, topHops, "peers N (log scale)",
                "hops to reach every peer");
        left.frame("Hops from the teacher (first-announcement tree)");
        // target step line over the whole range
        g.setColor(TARGET);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        int prevX = left.x(minN);
        int prevY = left.y(GossipSimulation.target((int) minN));
        for (double n = minN; n <= maxN; n *= 1.02) {
            int x = left.x(n);
            int y = left.y(GossipSimulation.target((int) Math.round(n)));
            g.drawLine(prevX, prevY, x, prevY);
            g.drawLine(x, prevY, x, y);
            prevX = x;
            prevY = y;
        }
        g.drawLine(prevX, prevY, left.x(maxN), prevY);
        left.series(rows, GossipSimulation.Row::maxHops, MAX);
        left.series(rows, GossipSimulation.Row::meanHops, MEAN);
        left.series(rows, r -> (double) r.bfsMax(), SHORTEST);
        left.legend(new String[] {"max hops (first arrivals)", "mean hops (first arrivals)",
            "max shortest path on the overlay", "target ceil(log8 N)+3"}, new Color[] {MAX, MEAN, SHORTEST, TARGET});

        double top = Math.max(10, rows.stream().mapToDouble(r -> Math.max(r.maxSent(), r.meanNeighbours())).max()
                .orElse(8) + 1);
        Panel right = new Panel(g, 570, 50, 400, 320, minN, maxN, 0, top, "peers N (log scale)",
                "announcements sent per peer per block");
        right.frame("Announcements sent per peer per block");
        right.series(rows, r -> (double) r.maxSent(), MAX);
        right.series(rows, GossipSimulation.Row::meanSent, MEAN);
        right.series(rows, GossipSimulation.Row::meanNeighbours, TARGET);
        right.legend(new String[] {"max sent by one peer", "mean sent", "mean neighbours"},
                new Color[] {MAX, MEAN, TARGET});

        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        StringBuilder ns = new StringBuilder("measured N: ");
        rows.forEach(r -> ns.append(Results.f("%,d  ", r.n())));
        g.drawString(ns + "  (in-memory network, real Peer gossip code, 4-bit blocks)", 70, H - 15);
        g.dispose();
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ImageIO.write(img, "png", png.toFile());
    }

    /** One chart area with a log-x and a linear-y axis. */
    private static final class Panel {
        final Graphics2D g;
        final int left;
        final int top;
        final int w;
        final int h;
        final double minX;
        final double maxX;
        final double minY;
        final double maxY;
        final String xLabel;
        final String yLabel;

        Panel(Graphics2D g, int left, int top, int w, int h, double minX, double maxX, double minY, double maxY,
              String xLabel, String yLabel) {
            this.g = g;
            this.left = left;
            this.top = top;
            this.w = w;
            this.h = h;
            this.minX = minX;
            this.maxX = maxX;
            this.minY = minY;
            this.maxY = maxY;
            this.xLabel = xLabel;
            this.yLabel = yLabel;
        }

        int x(double n) {
            return left + (int) Math.round((Math.log(n) - Math.log(minX)) / (Math.log(maxX) - Math.log(minX)) * w);
        }

        int y(double v) {
            return top + h - (int) Math.round((v - minY) / (maxY - minY) * h);
        }

        void frame(String title) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.setColor(Color.BLACK);
            g.drawString(title, left, top - 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setStroke(new BasicStroke(1f));
            for (double n = Math.pow(10, Math.ceil(Math.log10(minX))); n <= maxX * 1.001; n *= 10) {
                for (int m = 1; m <= 9; m++) {
                    double v = n / 10 * m;
                    if (v < minX || v > maxX) {
                        continue;
                    }
                    g.setColor(new Color(0xEEEEEE));
                    g.drawLine(x(v), top, x(v), top + h);
                }
                g.setColor(new Color(0xDDDDDD));
                g.drawLine(x(n), top, x(n), top + h);
                g.setColor(Color.BLACK);
                String label = Results.f("%,d", (long) n);
                g.drawString(label, x(n) - g.getFontMetrics().stringWidth(label) / 2, top + h + 15);
            }
            double step = maxY <= 12 ? 1 : Math.ceil(maxY / 10);
            for (double v = minY; v <= maxY + 1e-9; v += step) {
                g.setColor(new Color(0xEEEEEE));
                g.drawLine(left, y(v), left + w, y(v));
                g.setColor(Color.BLACK);
                String label = Results.f("%.0f", v);
                g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y(v) + 4);
            }
            g.setColor(Color.BLACK);
            g.drawRect(left, top, w, h);
            g.drawString(xLabel, left + w / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, top + h + 32);
            Graphics2D r = (Graphics2D) g.create();
            r.rotate(-Math.PI / 2);
            r.drawString(yLabel, -(top + h / 2 + r.getFontMetrics().stringWidth(yLabel) / 2), left - 35);
            r.dispose();
        }

        void series(List<GossipSimulation.Row> rows, ToDoubleFunction<GossipSimulation.Row> f, Color c) {
            g.setClip(left - 5, top - 5, w + 10, h + 10);
            g.setColor(c);
            g.setStroke(new BasicStroke(2.2f));
            int px = -1;
            int py = -1;
            for (GossipSimulation.Row r : rows) {
                int x = x(r.n());
                int y = y(f.applyAsDouble(r));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 4, y - 4, 8, 8);
                px = x;
                py = y;
            }
            g.setClip(null);
        }

        void legend(String[] names, Color[] colors) {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int lx = left + 10;
            int ly = top + 16;
            for (int i = 0; i < names.length; i++) {
                g.setColor(colors[i]);
                g.fillRect(lx, ly - 8 + i * 16, 14, 4);
                g.setColor(Color.BLACK);
                g.drawString(names[i], lx + 20, ly - 3 + i * 16);
            }
        }
    }
}
