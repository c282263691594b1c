// The article body's rich-text editor, and topics offered in the article's
// language. A static file: the site's Content-Security-Policy runs no inline
// script. The editor writes plain HTML (paragraphs, headings, lists, links,
// quotations) into the hidden textarea; the server cleans it with the same
// allow-list as ever (newsroom/content.py), and the Preview shows that result.
(function () {
  "use strict";

  var BLOCKS = [
    ["paragraph", "formatBlock", "p", "¶"],
    ["heading2", "formatBlock", "h2", "H2"],
    ["heading3", "formatBlock", "h3", "H3"],
    ["bold", "bold", null, "B"],
    ["italic", "italic", null, "I"],
    ["bullets", "insertUnorderedList", null, "•"],
    ["numbers", "insertOrderedList", null, "1."],
    ["quote", "formatBlock", "blockquote", "“"],
    ["link", "createLink", null, "🔗"],
    ["unlink", "unlink", null, "⊘"]
  ];

  function label(textarea, key) {
    return textarea.getAttribute("data-label-" + key) || key;
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function button(text, title) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "rte-button";
    element.textContent = text;
    element.title = title;
    element.setAttribute("aria-label", title);
    return element;
  }

  function build(textarea) {
    var form = textarea.form;
    var wrapper = document.createElement("div");
    wrapper.className = "rte";
    var toolbar = document.createElement("div");
    toolbar.className = "rte-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", label(textarea, "toolbar"));
    var editor = document.createElement("div");
    editor.className = "rte-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    var fieldLabel = document.querySelector("label[for='" + textarea.id + "']");
    if (fieldLabel) {
      fieldLabel.id = fieldLabel.id || textarea.id + "_label";
      editor.setAttribute("aria-labelledby", fieldLabel.id);
      fieldLabel.addEventListener("click", function () { editor.focus(); });
    }
    editor.innerHTML = textarea.value;
    var preview = document.createElement("section");
    preview.className = "rte-preview";
    preview.hidden = true;
    preview.setAttribute("aria-live", "polite");

    function sync() {
      // Browsers keep a space typed at the edge of bold or a link visible as
      // &nbsp;; once text follows it is an ordinary space. French
      // non-breaking spaces elsewhere (before « : » or « ? ») stay.
      textarea.value = editor.innerHTML
        .replace(/(<\/(?:b|i|strong|em|a|u|s)>)&nbsp;/g, "$1 ")
        .replace(/&nbsp;(<(?:b|i|strong|em|a|u|s)[ >])/g, " $1");
    }

    BLOCKS.forEach(function (spec) {
      var control = button(spec[3], label(textarea, spec[0]));
      control.dataset.command = spec[0];
      control.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
      control.addEventListener("click", function () {
        if (!textarea.hidden) { return; }
        editor.focus();
        var value = spec[2];
        if (spec[1] === "createLink") {
          value = window.prompt(label(textarea, "link-prompt"), "https://");
          if (!value || !/^(https?:|mailto:|tel:)/i.test(value)) { return; }
        }
        document.execCommand(spec[1], false, value);
        sync();
      });
      toolbar.appendChild(control);
    });

    var source = button(label(textarea, "source"), label(textarea, "source"));
    source.setAttribute("aria-pressed", "false");
    source.classList.add("rte-source");
    source.addEventListener("click", function () {
      var showSource = textarea.hidden;
      if (showSource) { sync(); } else { editor.innerHTML = textarea.value; }
      textarea.hidden = !showSource;
      editor.hidden = showSource;
      source.setAttribute("aria-pressed", String(showSource));
    });
    toolbar.appendChild(source);

    var previewUrl = textarea.getAttribute("data-preview-url");
    if (previewUrl) {
      var show = button(label(textarea, "preview"), label(textarea, "preview"));
      show.classList.add("rte-preview-button");
      show.addEventListener("click", function () {
        if (textarea.hidden) { sync(); }
        var body = new FormData();
        body.append("body", textarea.value);
        fetch(previewUrl, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(form) }
        })
          .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
          .then(function (data) {
            preview.innerHTML = "";
            var heading = document.createElement("h3");
            heading.textContent = label(textarea, "preview-heading");
            var content = document.createElement("div");
            content.className = "rte-preview-body";
            content.innerHTML = data.html;  // cleaned by the server's allow-list
            preview.appendChild(heading);
            preview.appendChild(content);
            preview.hidden = false;
          })
          .catch(function () {
            preview.textContent = label(textarea, "preview-failed");
            preview.hidden = false;
          });
      });
      toolbar.appendChild(show);
    }

    editor.addEventListener("input", sync);
    editor.addEventListener("blur", sync);
    form.addEventListener("submit", function () { if (textarea.hidden) { sync(); } });
    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.appendChild(toolbar);
    wrapper.appendChild(editor);
    wrapper.appendChild(textarea);
    wrapper.appendChild(preview);
    textarea.hidden = true;
    document.execCommand("defaultParagraphSeparator", false, "p");
  }

  // Topic autocomplete: ask for names in the article's language.
  if (window.django && window.django.jQuery) {
    window.django.jQuery.ajaxPrefilter(function (options) {
      var language = document.getElementById("id_language");
      if (language && typeof options.data === "string" && /(^|&)field_name=topics(&|$)/.test(options.data)) {
        options.data += "&language=" + encodeURIComponent(language.value);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-rich-text]").forEach(build);
  });
})();
