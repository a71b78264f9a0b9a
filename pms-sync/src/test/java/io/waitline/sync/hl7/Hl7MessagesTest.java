package io.waitline.sync.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.model.Message;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Acknowledgements HAPI builds for text that is not a message: always an AR with the reason, whatever the header. */
class Hl7MessagesTest {
  final Hl7Messages messages = new Hl7Messages();

  @ParameterizedTest
  @ValueSource(strings = {"", "PID|1||4711", "MSH|garbage", "MSH|^~\\PMS|CLINIC_PMS|W|C|20261120080000||SIU^S12|c9|P|2.5.1",
      "MSH|^~\\&|PMS|CLINIC_PMS|W|C|20261120080000||SIU^S12|c9|P|2.1\rSCH|1"})
  void textThatIsNotAMessageIsAnsweredARWithItsReason(String text) {
    String ack = messages.reject(text, "Not a message Waitline reads.", ErrorCode.SEGMENT_SEQUENCE_ERROR);

    assertThat(ack).contains("MSA|AR").contains("Not a message Waitline reads.");
  }

  @Test
  void aRejectedMessageWhoseHeaderReadsIsAnsweredWithItsControlId() {
    String ack = messages.reject("MSH|^~\\&|PMS|CLINIC_PMS|W|C|20261120080000||SIU^S12|c9|P|2.1\rSCH|1",
        "HL7 version 2.1 is not supported.", ErrorCode.UNSUPPORTED_VERSION_ID);

    assertThat(ack).contains("MSA|AR|c9").contains("HL7 version 2.1 is not supported.");
  }

  /** The listener warms HAPI up before it opens; a warm-up booking HAPI could not read would stop the node starting. */
  @Test
  void theWarmUpBookingIsReadAndAnsweredAsARealOneWouldBe() {
    assertThatCode(messages::warmUp).doesNotThrowAnyException();
  }

  @Test
  void theAAsOfMessagesReadTogetherAreThoseHapiBuildsForEachButTheirOwnTimeAndControlId() throws Exception {
    String head = "MSH|^~\\&|PMS|CLINIC_PMS|WAITLINE|CLINIC|20261120080000||SIU^S12|";
    String body = "|P|2.5.1\rSCH|A1^PMS|A1^PMS|||||CHECKUP|||15|MIN|^^15^202611201000\rPID|1||4711^^^MRN^MR||Doe^Jane\r";
    // two of one header, one of another sender, one whose control id holds a component separator
    List<String> texts = List.of(head + "c1" + body, head + "c2" + body,
        (head + "c3" + body).replace("CLINIC_PMS", "OTHER_PMS"), head + "c4^x" + body);
    List<Message> parsed = new ArrayList<>();
    for (String text : texts) parsed.add(messages.parse(text));

    List<String> together = messages.acceptAll(parsed, texts);

    for (int i = 0; i < texts.size(); i++) {
      String alone = messages.accept(parsed.get(i));
      assertThat(withoutTimeAndOwnId(together.get(i))).as("AA %d", i).isEqualTo(withoutTimeAndOwnId(alone));
    }
    assertThat(together.get(1)).contains("MSA|AA|c2");
    assertThat(together.stream().map(ack -> ack.split("\\r")[0].split("\\|")[9]).distinct())
        .as("each AA's own control id").hasSize(texts.size());
  }

  @Test
  void laterMessagesOfAHeaderInTheSameSecondGetHapisAAButTheirOwnControlIds() throws Exception {
    Hl7Messages inOneSecond = new Hl7Messages(Clock.fixed(Instant.parse("2026-11-20T08:00:00.500Z"), ZoneOffset.UTC));
    String head = "MSH|^~\\&|PMS|CLINIC_PMS|WAITLINE|CLINIC|20261120080000||SIU^S12|";
    String body = "|P|2.5.1\rSCH|A1^PMS|A1^PMS|||||CHECKUP|||15|MIN|^^15^202611201000\rPID|1||4711^^^MRN^MR||Doe^Jane\r";
    List<String> first = List.of(head + "c1" + body);
    List<String> later = List.of(head + "c2" + body);
    Message c1 = inOneSecond.parse(first.get(0));
    Message c2 = inOneSecond.parse(later.get(0));

    String ack1 = inOneSecond.acceptAll(List.of(c1), first).get(0);
    String ack2 = inOneSecond.acceptAll(List.of(c2), later).get(0);

    assertThat(withoutTimeAndOwnId(ack2)).isEqualTo(withoutTimeAndOwnId(inOneSecond.accept(c2)));
    assertThat(ack2).contains("MSA|AA|c2");
    assertThat(ack2.split("\\r")[0].split("\\|")[6]).as("the time of the AA built in that second")
        .isEqualTo(ack1.split("\\r")[0].split("\\|")[6]);
    assertThat(ack2.split("\\r")[0].split("\\|")[9]).isNotEqualTo(ack1.split("\\r")[0].split("\\|")[9]);
  }

  /** An ACK with its MSH-7 and MSH-10 emptied. */
  private static String withoutTimeAndOwnId(String ack) {
    String[] segments = ack.split("\\r", -1);
    String[] msh = segments[0].split("\\|", -1);
    msh[6] = "";
    msh[9] = "";
    segments[0] = String.join("|", msh);
    return String.join("\r", segments);
  }

  @Test
  void languagesReadAsTwoLetterCodes() {
    assertThat(Hl7MessageReader.language("fra")).isEqualTo("fr");
    assertThat(Hl7MessageReader.language("EN-us")).isEqualTo("en");
    assertThat(Hl7MessageReader.language("E")).isNull();
  }
}
