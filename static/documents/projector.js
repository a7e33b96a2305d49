/* The paragraph under negotiation on the room's projector (documents/projector.py).
 *
 * floor.js sends every state it shows as a "floor:state" event on [data-floor]; the
 * paragraph's section of it is drawn here, or removed when the facilitator clears the screen.
 * Text goes in through textContent only: the paragraph and proposals are delegates' words.
 */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function bracket(run, labels) {
    var span = el("span", "bracket");
    var choices = run.options.length ? [run.text].concat(run.options) : [run.text];
    choices.forEach(function (choice, index) {
      if (index) { span.appendChild(document.createTextNode(" ")); }
      span.appendChild(document.createTextNode("["));
      if (run.options.length) {
        var option = el("span", "bracket-option");
        option.textContent = labels.option.replace("%(number)s", String(index + 1)) + " " + choice;
        span.appendChild(option);
      } else {
        span.appendChild(document.createTextNode(choice));
      }
      span.appendChild(document.createTextNode("]"));
    });
    if (run.holders.length) {
      span.appendChild(el("small", "bracket-holders", run.holders.join(", ")));
    }
    return span;
  }

  function draw(value) {
    var labels = value.labels;
    var paragraph = value.paragraph;
    var section = el("section", "projector-paragraph");
    section.dataset.paragraph = String(paragraph.id);
    section.appendChild(el("p", "projector-paragraph-document", value.document + " \u00b7 " + value.version));
    var heading = el("h2", "projector-paragraph-heading", labels[paragraph.kind] + " " + paragraph.number);
    heading.appendChild(document.createTextNode(" "));
    heading.appendChild(el("span", "paragraph-status status-" + paragraph.status, paragraph.status_label));
    section.appendChild(heading);
    var text = el("p", "projector-paragraph-text");
    paragraph.text.forEach(function (run) {
      text.appendChild(run.bracketed ? bracket(run, labels) : document.createTextNode(run.text));
    });
    section.appendChild(text);
    if (paragraph.to_confirm.length) {
      section.appendChild(el("p", "projector-paragraph-confirm", labels.to_confirm + " " + paragraph.to_confirm.join(", ")));
    }
    var proposals = el("div", "projector-proposals");
    proposals.appendChild(el("h3", null, labels.proposals));
    if (value.proposals.length) {
      var list = el("ol");
      value.proposals.forEach(function (proposal) {
        var item = el("li");
        item.dataset.proposal = String(proposal.id);
        item.appendChild(el("span", "proposal-action", proposal.action_label));
        item.appendChild(el("span", "proposal-by", proposal.proposed_by.join(", ")));
        item.appendChild(el("span", "proposal-text", proposal.text));
        list.appendChild(item);
      });
      proposals.appendChild(list);
    } else {
      proposals.appendChild(el("p", "proposal-none", labels.no_proposals));
    }
    section.appendChild(proposals);
    return section;
  }

  document.querySelectorAll("[data-floor]").forEach(function (root) {
    var place = root.querySelector("[data-projector-sections]");
    if (!place) { return; }
    var shown = "";
    root.addEventListener("floor:state", function (event) {
      var value = (event.detail.sections || {}).paragraph || null;
      var drawn = value ? JSON.stringify(value) : "";
      if (drawn === shown) { return; }
      shown = drawn;
      var old = place.querySelector(".projector-paragraph");
      if (old) { place.removeChild(old); }
      if (value) { place.appendChild(draw(value)); }
      root.classList.toggle("has-paragraph", Boolean(value));
    });
  });
}());
