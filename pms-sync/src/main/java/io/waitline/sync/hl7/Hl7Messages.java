package io.waitline.sync.hl7;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.v26.message.ACK;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.EncodingRule;
import ca.uhn.hl7v2.validation.MessageRule;
import ca.uhn.hl7v2.validation.PrimitiveTypeRule;
import ca.uhn.hl7v2.validation.ValidationContext;
import io.waitline.sync.pipeline.RecordReader;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HL7 v2 text to HAPI messages and back: every version a sender writes (2.3 to 2.8) is read into the v2.6
 * structures, without HAPI's field validation (real systems break it; what Waitline needs is checked when read), and
 * every acknowledgement is built by HAPI from the message it answers. Thread-safe; CPU work, so call it off the event
 * loop.
 */
public final class Hl7Messages {
  /** The message types Waitline applies: scheduling (SIU) and patient administration (ADT) events. */
  public static final Set<String> SUPPORTED = Set.of("SIU^S12", "SIU^S13", "SIU^S14", "SIU^S15", "SIU^S17",
      "SIU^S26", "ADT^A04", "ADT^A08", "ADT^A03");
  /** The most headers whose AA is kept for reuse (each sender has one or a few). */
  private static final int MAX_HEADERS_KEPT = 1_000;
  private static final Set<String> VERSIONS = Set.of("2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1",
      "2.8");

  /**
   * No rules at all. HAPI's own "no validation" still trims every ST, FT and TX value it parses, looking its rules up
   * per value (a tenth of a parse); Waitline trims what it reads itself.
   */
  private static final ValidationContext NO_RULES = new ValidationContext() {
    @Override
    public Collection<PrimitiveTypeRule> getPrimitiveRules(String version, String type, Primitive primitive) {
      return List.of();
    }

    @Override
    public Collection<MessageRule> getMessageRules(String version, String type, String trigger) {
      return List.of();
    }

    @Override
    public Collection<EncodingRule> getEncodingRules(String version, String encoding) {
      return List.of();
    }
  };

  private final PipeParser parser;
  private final Clock clock;
  /** The last AA HAPI built per header (see {@link #acceptAll}), with the second it was built in. */
  private final Map<String, Built> builtByHeader = new ConcurrentHashMap<>();

  private record Built(long second, String ack) {}

  public Hl7Messages() {
    this(Clock.systemUTC());
  }

  /** @param clock what tells the second an AA is built in (HAPI stamps its ACKs with the system's time) */
  Hl7Messages(Clock clock) {
    this.clock = clock;
    HapiContext context = new DefaultHapiContext();
    context.setModelClassFactory(new CanonicalModelClassFactory("2.6"));
    context.setValidationContext(NO_RULES);
    // ACK control ids from memory, not HAPI's default id file in the working directory
    context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
    this.parser = context.getPipeParser();
  }

  /**
   * Reads a booking and answers it (AA and AR) once, so HAPI loads the v2.6 structures and its parser tables now
   * rather than on a sender's first message: on a loaded machine that first load took longer than many senders wait
   * for an ACK.
   */
  public void warmUp() {
    String booking = "MSH|^~\\&|WARM|UP|WAITLINE|WAITLINE|20260101080000||SIU^S12|warm-up|P|2.5.1\r"
        + "SCH|1|1|||||||||^^^20260101090000\rPID|1||1^^^UP^MR||Up^Warm\rAIL|1||^^^ROOM\r";
    try {
      Message message = parse(booking);
      accept(message);
      reject(message, "warm-up");
      reject("MSH|^~\\&|", "warm-up", ErrorCode.SEGMENT_SEQUENCE_ERROR);
    } catch (Rejected e) {
      throw new IllegalStateException("HAPI could not read the warm-up booking: " + e.getMessage(), e);
    }
  }

  /** A message that cannot be read or is not one Waitline takes, with the sentence its AR carries. */
  public static final class Rejected extends Exception {
    private final ErrorCode code;
    /** The message when it was read but is not one Waitline takes, else null. */
    private final transient Message parsed;

    Rejected(String sentence, ErrorCode code, Message parsed) {
      super(sentence, null, false, false);
      this.code = code;
      this.parsed = parsed;
    }
  }

  /** The message, checked to be a supported type and version; segments ending in CR, LF or CRLF all read. */
  public Message parse(String text) throws Rejected {
    String normalised = normalised(text);
    if (!normalised.startsWith("MSH")) {
      throw new Rejected("The message cannot be read as HL7 v2: it must start with its MSH segment.",
          ErrorCode.SEGMENT_SEQUENCE_ERROR, null);
    }
    Message message;
    try {
      message = parser.parse(normalised);
    } catch (HL7Exception | RuntimeException e) {
      throw new Rejected("The message cannot be read as HL7 v2: " + sentence(e), ErrorCode.SEGMENT_SEQUENCE_ERROR,
          null);
    }
    Segment header = header(message);
    String version = header == null ? null : Hl7Segments.value(header, 12, 0, 1, 1);
    if (!VERSIONS.contains(version)) {
      throw new Rejected("HL7 version " + (version == null ? "(none in MSH-12)" : version) + " is not supported;"
          + " Waitline reads 2.3 to 2.8.", ErrorCode.UNSUPPORTED_VERSION_ID, message);
    }
    String code = Hl7Segments.value(header, 9, 0, 1, 1);
    String event = Hl7Segments.value(header, 9, 0, 2, 1);
    String type = code + "^" + event;
    if (!SUPPORTED.contains(type)) {
      String named = code == null ? "(none in MSH-9)" : event == null ? code + " (no trigger event in MSH-9.2)" : type;
      throw new Rejected("Message type " + named + " is not one Waitline applies; it takes "
          + String.join(", ", new java.util.TreeSet<>(SUPPORTED)) + ".", ErrorCode.UNSUPPORTED_MESSAGE_TYPE, message);
    }
    if (Hl7Segments.value(header, 10, 0, 1, 1) == null) {
      throw new Rejected("The message has no control id (MSH-10).", ErrorCode.REQUIRED_FIELD_MISSING, message);
    }
    return message;
  }

  /**
   * The text as HAPI reads it: segments ending in CR, and no byte order mark (some systems write one before MSH; it
   * is not part of the message).
   */
  private static String normalised(String text) {
    return text.replace("\r\n", "\r").replace('\n', '\r').replace("\uFEFF", "").strip();
  }

  /** {@link #parse} for a record the pipeline reads: a message that no longer parses cannot be applied. */
  Message read(String text) {
    try {
      return parse(text);
    } catch (Rejected e) {
      throw new RecordReader.Unreadable(e.getMessage());
    }
  }

  /** AA: the message's effect is committed (or was, for a repeated control id). */
  public String accept(Message message) {
    try {
      return parser.encode(message.generateACK());
    } catch (HL7Exception | IOException e) {
      throw new IllegalStateException("HAPI could not build an ACK", e);
    }
  }

  /**
   * The AA of each message (as {@link #accept} gives it), by index. HAPI builds the AA of a header (the MSH but its
   * time and control id) once a second: the other messages of that header in that second, read together or not, get
   * that AA with their own control ids (a new MSH-10 from HAPI's generator, their MSH-10 in MSA-2), which is all
   * HAPI's would differ by, its time being to the second: HAPI's building of each AA (its header time formatted anew)
   * cost as much CPU as parsing the message. A control id holding an encoding character has its AA built by HAPI.
   *
   * @param texts each message's text, as parsed
   */
  public List<String> acceptAll(List<Message> messages, List<String> texts) {
    List<String> acks = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      String text = normalised(texts.get(i));
      int end = text.indexOf('\r');
      int lf = text.indexOf('\n');
      if (end < 0 || lf >= 0 && lf < end) end = lf;
      String headerLine = end < 0 ? text : text.substring(0, end);
      char separator = headerLine.length() > 3 ? headerLine.charAt(3) : '|';
      String[] header = fields(headerLine, separator);
      String control = header.length > 9 ? header[9] : "";
      if (control.isEmpty() || header[1].chars().anyMatch(c -> control.indexOf(c) >= 0)) {
        acks.add(accept(messages.get(i)));
        continue;
      }
      header[6] = "";
      header[9] = "";
      String key = String.join(String.valueOf(separator), header);
      // the second is taken before HAPI stamps its AA, so an AA is reused only within the second it says
      long second = clock.millis() / 1000;
      Built built = builtByHeader.get(key);
      if (built != null && built.second() == second) {
        acks.add(withControlIds(built.ack(), separator, control));
      } else {
        String ack = accept(messages.get(i));
        if (builtByHeader.size() >= MAX_HEADERS_KEPT) builtByHeader.clear();
        builtByHeader.put(key, new Built(second, ack));
        acks.add(ack);
      }
    }
    return acks;
  }

  /** {@code ack} (MSH, then MSA) with a new control id of its own and {@code answered} in MSA-2. */
  private String withControlIds(String ack, char separator, String answered) {
    String[] segments = fields(ack, '\r');
    String joiner = String.valueOf(separator);
    for (int s = 0; s < segments.length; s++) {
      String[] fields = fields(segments[s], separator);
      if (fields[0].equals("MSH")) fields[9] = nextControlId();
      else if (fields[0].equals("MSA")) fields[2] = answered;
      segments[s] = String.join(joiner, fields);
    }
    return String.join("\r", segments);
  }

  /** {@code text} split at every {@code separator}, empty parts kept. */
  private static String[] fields(String text, char separator) {
    List<String> parts = new ArrayList<>(16);
    int from = 0;
    for (int at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, from)) {
      parts.add(text.substring(from, at));
      from = at + 1;
    }
    parts.add(text.substring(from));
    return parts.toArray(String[]::new);
  }

  private String nextControlId() {
    try {
      return parser.getParserConfiguration().getIdGenerator().getID();
    } catch (IOException e) {
      throw new IllegalStateException("HAPI could not give an ACK control id", e);
    }
  }

  /** AE with an ERR segment saying why: understood, but cannot be applied (it is in dead letters). */
  public String error(Message message, String sentence) {
    return answer(message, AcknowledgmentCode.AE, new HL7Exception(sentence, ErrorCode.APPLICATION_INTERNAL_ERROR));
  }

  /**
   * AR for text that is not a message Waitline takes, naming its control id when HAPI can read that much of its
   * MSH (so the sender knows which message was refused).
   */
  public String reject(String text, String sentence, ErrorCode code) {
    Segment header;
    try {
      header = parser.getCriticalResponseData(normalised(text));
    } catch (HL7Exception | RuntimeException unreadableHeader) {
      header = null;
    }
    return bare(AcknowledgmentCode.AR, sentence, code, header);
  }

  /** {@link #reject(String, String, ErrorCode)} for a message {@link #parse} refused. */
  public String reject(String text, Rejected why) {
    if (why.parsed != null) return answer(why.parsed, AcknowledgmentCode.AR, new HL7Exception(why.getMessage(), why.code));
    return reject(text, why.getMessage(), why.code);
  }

  /** AR for a message that was read but that no source takes. */
  public String reject(Message message, String sentence) {
    return answer(message, AcknowledgmentCode.AR, new HL7Exception(sentence, ErrorCode.APPLICATION_INTERNAL_ERROR));
  }

  /** The sender's MSH-4 namespace id, or null. */
  public static String sendingFacility(Message message) {
    Segment header = header(message);
    return header == null ? null : Hl7Segments.value(header, 4, 0, 1, 1);
  }

  private static Segment header(Message message) {
    try {
      return (Segment) message.get("MSH");
    } catch (HL7Exception | RuntimeException e) {
      return null;
    }
  }

  /** The ACK HAPI builds (ERR with the error code and, per version, the text), the sentence also in ERR-8. */
  private String answer(Message inbound, AcknowledgmentCode code, HL7Exception why) {
    try {
      return withUserMessage(inbound.generateACK(code, why), why.getMessage());
    } catch (HL7Exception | IOException | RuntimeException headerHapiCannotAnswer) {
      Segment header;
      try {
        header = (Segment) inbound.get("MSH");
      } catch (HL7Exception e) {
        header = null;
      }
      return bare(code, why.getMessage(), why.getError(), header);
    }
  }

  /** An ACK from an empty v2.6 header, naming {@code header}'s control id when there is one (else none). */
  private String bare(AcknowledgmentCode code, String sentence, ErrorCode error, Segment header) {
    try {
      ACK empty = new ACK();
      empty.setParser(parser); // its control id from this context's generator, not HAPI's default id file
      empty.initQuickstart("ACK", null, "P");
      Message ack = empty.generateACK(code, new HL7Exception(sentence, error));
      // MSA-2 names the sender's control id, or none: never the id of the empty header the ACK was built from
      new Terser(ack).set("/MSA-2", header == null ? "" : nonNull(Terser.get(header, 10, 0, 1, 1)));
      return withUserMessage(ack, sentence);
    } catch (HL7Exception | IOException e) {
      throw new IllegalStateException("HAPI could not build an ACK", e);
    }
  }

  private String withUserMessage(Message ack, String sentence) throws HL7Exception {
    new Terser(ack).set("/ERR-8", sentence);
    return parser.encode(ack);
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  private static String sentence(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
    return m.endsWith(".") ? m : m + ".";
  }
}
