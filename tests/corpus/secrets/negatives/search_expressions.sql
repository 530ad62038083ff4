-- Identifiers and calls in SQL are not literals.
        state.tokens := array_append(state.tokens, state.current_token);
    password_hash := crypt(new_password, gen_salt('bf'));
