/* The concern form's fields as a plain object of API keys, and messages next to each field.
 *
 * The server's template gives every input name = API key and id = field-<key>, and every field
 * an (empty, hidden) paragraph error-<key> linked by aria-describedby.
 */
(() => {
  'use strict';

  window.WegwijzerFields = (form) => {
    /* The concern's own fields. A control for this phone only (data-device-only, like "remember
     * my details") has no name either, so neither the sync nor a plain post ever sends it. */
    function controls() {
      return Array.prototype.filter.call(form.elements, (el) =>
        el.name && el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button' &&
        el.name !== 'csrf_token' && el.name !== 'idempotency_key' &&
        !('deviceOnly' in el.dataset));
    }

    /* Booleans as JSON booleans, a radio group as its chosen value ('' when none). */
    function read() {
      const fields = {};
      controls().forEach((el) => {
        if (el.type === 'checkbox') fields[el.name] = el.checked;
        else if (el.type === 'radio') {
          if (!(el.name in fields)) fields[el.name] = '';
          if (el.checked) fields[el.name] = el.value;
        } else fields[el.name] = el.value;
      });
      return fields;
    }

    function fill(fields) {
      controls().forEach((el) => {
        if (!(el.name in fields)) return;
        const value = fields[el.name];
        if (el.type === 'checkbox') el.checked = value === true;
        else if (el.type === 'radio') el.checked = el.value === value;
        else el.value = typeof value === 'string' ? value : '';
      });
    }

    function showError(name, messages) {
      const paragraph = document.getElementById(`error-${name}`);
      const field = document.getElementById(`field-${name}`);
      if (!paragraph || !field) return false;
      paragraph.textContent = messages.join(' ');
      paragraph.hidden = false;
      (field.closest('.field') || field).classList.add('has-error');
      if (field.matches('input, textarea')) field.setAttribute('aria-invalid', 'true');
      return true;
    }

    function clearError(name) {
      const paragraph = document.getElementById(`error-${name}`);
      const field = document.getElementById(`field-${name}`);
      if (!paragraph || !field || paragraph.hidden) return;
      paragraph.hidden = true;
      paragraph.textContent = '';
      (field.closest('.field') || field).classList.remove('has-error');
      field.removeAttribute('aria-invalid');
    }

    /* The field's visible label (a radio group's legend), for the summary above the form. */
    function label(name) {
      const field = document.getElementById(`field-${name}`);
      const caption = field.tagName === 'FIELDSET' ? field.querySelector('legend')
        : form.querySelector(`label[for="field-${name}"]`);
      return caption ? caption.textContent.replace(/\s+/g, ' ').trim() : name;
    }

    return {
      controls: controls, read: read, fill: fill, showError: showError, clearError: clearError,
      label: label
    };
  };
})();
